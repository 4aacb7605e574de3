import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  RealApiserverUnavailableError,
  type RealKubeApiserver,
  startRealKubeApiserver,
} from '@kcp-tmc/testing';
import { afterAll, beforeAll, describe, expect, it, type TestContext } from 'vitest';
import { namespaceNames, usersKubeconfig } from '../../test/support/kubeconfigs.js';
import { ClusterConnection, loadKubeConfig } from './kubeconfig.js';
import { NativeCredentials } from './native-auth.js';

// The agent's own kubeconfig loader against a real kube-apiserver: the harness's token kubeconfig, and client
// certificates (files and inline data) signed by a client CA the server is started with.
const run = promisify(execFile);
const START_TIMEOUT_MS = 45 * 60_000;

let server: RealKubeApiserver | undefined;
let unavailable: string | undefined;
let dir: string;

async function openssl(args: string[]): Promise<void> {
  await run('openssl', args, { cwd: dir });
}

/** A client CA and a certificate for a member of system:masters, written into `dir`. */
async function writeClientPki(): Promise<void> {
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  await openssl(
    ['req', '-x509', ...ec, '-keyout', 'client-ca.key', '-out', 'client-ca.crt'].concat([
      '-subj',
      '/CN=kcp-tmc-client-ca',
      '-days',
      '1',
    ]),
  );
  await openssl(
    ['req', '-new', ...ec, '-keyout', 'client.key', '-out', 'client.csr'].concat([
      '-subj',
      '/O=system:masters/CN=kcp-tmc-cert-user',
    ]),
  );
  await writeFile(join(dir, 'client.ext'), 'extendedKeyUsage = clientAuth\n');
  await openssl(
    ['x509', '-req', '-in', 'client.csr', '-CA', 'client-ca.crt', '-CAkey', 'client-ca.key'].concat([
      '-CAcreateserial',
      '-out',
      'client.crt',
      '-days',
      '1',
      '-extfile',
      'client.ext',
    ]),
  );
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kube-real-auth-'));
  await writeClientPki();
  try {
    server = await startRealKubeApiserver({
      apiserverArgs: [`--client-ca-file=${join(dir, 'client-ca.crt')}`],
    });
  } catch (error) {
    if (!(error instanceof RealApiserverUnavailableError)) throw error;
    unavailable = `real kube-apiserver unavailable (${error.reason}): ${error.message}`;
  }
}, START_TIMEOUT_MS);
afterAll(async () => {
  await server?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

function real(ctx: TestContext): RealKubeApiserver {
  if (server === undefined) ctx.skip(unavailable ?? 'real kube-apiserver did not start');
  return server as RealKubeApiserver;
}

async function namespaceNamesWith(kubeconfig: { file: string } | { kubeconfig: string }): Promise<string[]> {
  const connection = new ClusterConnection(loadKubeConfig(kubeconfig));
  expect(connection.credentials).toBeInstanceOf(NativeCredentials);
  return namespaceNames(connection);
}

const certKubeconfig = (s: RealKubeApiserver, user: Record<string, string>) =>
  usersKubeconfig(s, { cert: user }, 'cert');

describe('kubeconfig loader against a real kube-apiserver', () => {
  it("authenticates with the harness's token kubeconfig", async (ctx) => {
    const s = real(ctx);
    expect(await namespaceNamesWith({ file: s.kubeconfigPath })).toContain('kube-system');
  });

  it('authenticates with client certificate and key files', async (ctx) => {
    const s = real(ctx);
    const kubeconfig = certKubeconfig(s, {
      'client-certificate': join(dir, 'client.crt'),
      'client-key': join(dir, 'client.key'),
    });
    expect(await namespaceNamesWith({ kubeconfig })).toContain('kube-system');
  });

  it('authenticates with inline client certificate data, and is refused without it', async (ctx) => {
    const s = real(ctx);
    const b64 = async (name: string) => (await readFile(join(dir, name))).toString('base64');
    const kubeconfig = certKubeconfig(s, {
      'client-certificate-data': await b64('client.crt'),
      'client-key-data': await b64('client.key'),
    });
    expect(await namespaceNamesWith({ kubeconfig })).toContain('kube-system');
    // No certificate: anonymous, refused (401 without anonymous auth, else 403); never a list.
    const refused = await namespaceNamesWith({ kubeconfig: certKubeconfig(s, {}) }).catch((e: unknown) => e);
    expect([401, 403]).toContain((refused as { status?: number }).status);
  });
});
