import { execFile } from 'node:child_process';
import { generateKeyPair } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { RealApiserverUnavailableError } from './errors.js';

const run = promisify(execFile);
const generateKeys = promisify(generateKeyPair);

/** Files of a throwaway PKI for one control plane (valid two days, never trusted beyond it). */
export interface ControlPlanePki {
  readonly caCertPem: string;
  readonly caCertPath: string;
  readonly servingCertPath: string;
  readonly servingKeyPath: string;
  readonly serviceAccountKeyPath: string;
  readonly serviceAccountPublicKeyPath: string;
}

/**
 * Writes a CA, a serving certificate for 127.0.0.1/localhost signed by it, and the service-account
 * signing key pair into `dir`. Keys come from node:crypto; node cannot sign X.509 certificates, so the
 * openssl CLI does (present wherever Debian's ca-certificates is installed).
 */
export async function writeControlPlanePki(dir: string): Promise<ControlPlanePki> {
  const path = (name: string) => join(dir, name);
  const [ca, serving, serviceAccount] = await Promise.all([ecKeyPair(), ecKeyPair(), ecKeyPair()]);
  await Promise.all([
    writeFile(path('ca.key'), ca.privateKey, { mode: 0o600 }),
    writeFile(path('serving.key'), serving.privateKey, { mode: 0o600 }),
    writeFile(path('sa.key'), serviceAccount.privateKey, { mode: 0o600 }),
    writeFile(path('sa.pub'), serviceAccount.publicKey),
    // Own config files, so the result does not depend on the machine's openssl.cnf defaults.
    writeFile(
      path('ca.cnf'),
      [
        '[req]',
        'distinguished_name = dn',
        'x509_extensions = ext',
        'prompt = no',
        '[dn]',
        'CN = kcp-tmc-test-ca',
        '[ext]',
        'basicConstraints = critical,CA:TRUE',
        'keyUsage = critical,keyCertSign,cRLSign,digitalSignature',
        'subjectKeyIdentifier = hash',
        '',
      ].join('\n'),
    ),
    writeFile(
      path('serving.cnf'),
      [
        '[req]',
        'distinguished_name = dn',
        'prompt = no',
        '[dn]',
        'CN = kube-apiserver',
        '[ext]',
        'basicConstraints = critical,CA:FALSE',
        'keyUsage = critical,digitalSignature,keyEncipherment',
        'extendedKeyUsage = serverAuth',
        'subjectAltName = IP:127.0.0.1,DNS:localhost',
        '',
      ].join('\n'),
    ),
  ]);
  await openssl(['req', '-new', '-x509', '-config', path('ca.cnf'), '-key', path('ca.key'), '-days', '2'], {
    out: path('ca.crt'),
  });
  await openssl(['req', '-new', '-config', path('serving.cnf'), '-key', path('serving.key')], {
    out: path('serving.csr'),
  });
  await openssl(
    [
      'x509',
      '-req',
      '-in',
      path('serving.csr'),
      '-CA',
      path('ca.crt'),
      '-CAkey',
      path('ca.key'),
      '-set_serial',
      `0x${Date.now().toString(16)}`,
      '-days',
      '2',
      '-extfile',
      path('serving.cnf'),
      '-extensions',
      'ext',
    ],
    { out: path('serving.crt') },
  );
  return {
    caCertPem: await readFile(path('ca.crt'), 'utf8'),
    caCertPath: path('ca.crt'),
    servingCertPath: path('serving.crt'),
    servingKeyPath: path('serving.key'),
    serviceAccountKeyPath: path('sa.key'),
    serviceAccountPublicKeyPath: path('sa.pub'),
  };
}

async function ecKeyPair(): Promise<{ privateKey: string; publicKey: string }> {
  return generateKeys('ec', {
    namedCurve: 'prime256v1',
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
}

async function openssl(args: readonly string[], { out }: { out: string }): Promise<void> {
  try {
    await run('openssl', [...args, '-out', out]);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new RealApiserverUnavailableError(
        'openssl-missing',
        'the openssl CLI is not on PATH; it signs the throwaway certificates of the real kube-apiserver',
      );
    }
    throw new Error(`openssl ${args[0]} failed: ${(error as { stderr?: string }).stderr ?? error}`);
  }
}
