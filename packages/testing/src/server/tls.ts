import { createHash, generateKeyPairSync, type KeyObject, randomBytes, sign } from 'node:crypto';
import { isIP } from 'node:net';
import {
  bitString,
  boolean,
  explicit,
  implicitPrimitive,
  integer,
  octetString,
  oid,
  sequence,
  set,
  time,
  utf8String,
} from './der.js';

/** A throwaway CA and a serving certificate signed by it (PEM), for the simulator's HTTPS listener. */
export interface ServingCertificate {
  caPem: string;
  certPem: string;
  keyPem: string;
}

const ECDSA_SHA256 = sequence(oid('1.2.840.10045.4.3.2'));

function name(cn: string): Buffer {
  return sequence(set(sequence(oid('2.5.4.3'), utf8String(cn))));
}

function extension(id: string, critical: boolean, value: Buffer): Buffer {
  return sequence(oid(id), ...(critical ? [boolean(true)] : []), octetString(value));
}

function subjectKeyId(spki: Buffer): Buffer {
  return createHash('sha1').update(spki).digest();
}

function ipBytes(ip: string): Buffer {
  if (isIP(ip) === 4) return Buffer.from(ip.split('.').map(Number));
  // IPv6: expand `::` and write 16 bytes.
  const [head = '', tail = ''] = ip.split('::');
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = [...h, ...new Array(8 - h.length - t.length).fill('0'), ...t];
  return Buffer.from(
    groups.flatMap((g) => {
      const v = Number.parseInt(g, 16);
      return [v >> 8, v & 0xff];
    }),
  );
}

interface CertInput {
  subject: string;
  issuer: string;
  publicKey: KeyObject;
  signingKey: KeyObject;
  issuerKeyId: Buffer;
  ca: boolean;
  hosts: string[];
}

function certificate(input: CertInput): string {
  const spki = input.publicKey.export({ type: 'spki', format: 'der' });
  const keyId = subjectKeyId(spki);
  const now = Date.now();
  // A positive 16-byte serial whose first byte is 0x01..0x7f: DER integers are minimal, and a leading zero
  // byte (1 draw in 128) made a certificate TLS clients reject as unverifiable.
  const serial = randomBytes(16);
  serial[0] = (serial[0]! % 0x7f) + 1;
  const exts = [
    extension('2.5.29.19', true, input.ca ? sequence(boolean(true)) : sequence()),
    // keyUsage: CA digitalSignature|keyCertSign|cRLSign, leaf digitalSignature|keyEncipherment.
    extension(
      '2.5.29.15',
      true,
      input.ca ? bitString(Buffer.from([0x86]), 1) : bitString(Buffer.from([0xa0]), 5),
    ),
    extension('2.5.29.14', false, octetString(keyId)),
    extension('2.5.29.35', false, sequence(implicitPrimitive(0, input.issuerKeyId))),
  ];
  if (!input.ca) {
    exts.push(extension('2.5.29.37', false, sequence(oid('1.3.6.1.5.5.7.3.1'))));
    const names = input.hosts.map((h) =>
      isIP(h) ? implicitPrimitive(7, ipBytes(h)) : implicitPrimitive(2, Buffer.from(h, 'ascii')),
    );
    exts.push(extension('2.5.29.17', false, sequence(...names)));
  }
  const tbs = sequence(
    explicit(0, integer(2)),
    integer(serial),
    ECDSA_SHA256,
    name(input.issuer),
    sequence(time(new Date(now - 3600_000)), time(new Date(now + 10 * 365 * 86400_000))),
    name(input.subject),
    spki,
    explicit(3, sequence(...exts)),
  );
  const signature = sign('sha256', tbs, input.signingKey);
  const der = sequence(tbs, ECDSA_SHA256, bitString(signature));
  const b64 = der.toString('base64').replace(/(.{64})/g, '$1\n');
  return `-----BEGIN CERTIFICATE-----\n${b64.trimEnd()}\n-----END CERTIFICATE-----\n`;
}

/** Generates an ECDSA P-256 CA and a serving certificate for the given DNS names and IPs. */
export function generateServingCertificate(
  hosts: string[] = ['localhost', '127.0.0.1', '::1'],
): ServingCertificate {
  const ca = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const leaf = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const caKeyId = subjectKeyId(ca.publicKey.export({ type: 'spki', format: 'der' }));
  const caPem = certificate({
    subject: 'kube-sim-ca',
    issuer: 'kube-sim-ca',
    publicKey: ca.publicKey,
    signingKey: ca.privateKey,
    issuerKeyId: caKeyId,
    ca: true,
    hosts: [],
  });
  const certPem = certificate({
    subject: 'kube-sim',
    issuer: 'kube-sim-ca',
    publicKey: leaf.publicKey,
    signingKey: ca.privateKey,
    issuerKeyId: caKeyId,
    ca: false,
    hosts,
  });
  return { caPem, certPem, keyPem: leaf.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() };
}
