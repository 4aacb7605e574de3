import { createServer as createHttpServer, request as plainRequest } from 'node:http';
import { createServer as createHttpsServer, request } from 'node:https';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { createServer, type Server, type Socket } from 'node:net';
import { classifyError } from '@kcp-tmc/interfaces';
import { generateServingCertificate } from '@kcp-tmc/testing';
import { withinDeadline } from '@kcp-tmc/testing/kit';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { shouldRetry } from '../http/retry.js';
import { CONNECT_TIMEOUT_CODE, connectionAgent } from './agents.js';

// A TCP server that accepts and never speaks: a TLS handshake with it never completes.
let server: Server | undefined;
const sockets: Socket[] = [];
afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  await new Promise((resolve) => server?.close(resolve));
});

describe('connectionAgent', () => {
  it('gives up on a connection that does not open in time, as one that was never sent (any verb retries)', async () => {
    server = createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    const agent = connectionAgent(
      new URL(`https://127.0.0.1:${port}`),
      { rejectUnauthorized: false },
      { connectTimeoutMs: 200 },
    );
    try {
      const failed = new Promise<unknown>((resolve) => {
        const req = request({ host: '127.0.0.1', port, method: 'POST', path: '/', agent }, () =>
          resolve('answered'),
        );
        req.on('error', resolve);
        req.end('{}');
      });
      const err = await withinDeadline('the connect timeout', 5_000, failed);
      expect((err as { code?: string }).code).toBe(CONNECT_TIMEOUT_CODE);
      const classified = classifyError(err, 'POST things');
      expect(classified.type).toBe('Timeout');
      const options = { maxRetries: 3, baseDelayMs: 1, maxDelayMs: 1, maxRetryAfterMs: 1 };
      expect(shouldRetry('POST', classified, 0, options)).toBe(true);
    } finally {
      agent.destroy();
    }
  });

  it('times only the opening: an answer slower than the connect timeout still arrives', async () => {
    const slow = createHttpServer((_req, res) => {
      setTimeout(() => res.end('late'), 150);
    });
    await new Promise<void>((resolve) => slow.listen(0, '127.0.0.1', resolve));
    const agent = connectionAgent(new URL('http://127.0.0.1'), {}, { connectTimeoutMs: 50 });
    try {
      const port = (slow.address() as AddressInfo).port;
      const answer = new Promise<unknown>((resolve) => {
        const req = plainRequest({ host: '127.0.0.1', port, path: '/', agent }, (res) => {
          let body = '';
          res.setEncoding('utf8').on('data', (c: string) => {
            body += c;
          });
          res.on('end', () => resolve(body));
        });
        req.on('error', resolve);
        req.end();
      });
      expect(await withinDeadline('the slow answer', 5_000, answer)).toBe('late');
    } finally {
      agent.destroy();
      slow.closeAllConnections();
      await new Promise((resolve) => slow.close(resolve));
    }
  });

  it('builds the TLS context once: every connection verifies the server by the CA and presents the client certificate', async () => {
    const pki = generateServingCertificate();
    // Holds each answer open, as a watch does, so each request has a connection of its own.
    const held = createHttpsServer(
      { cert: pki.certPem, key: pki.keyPem, requestCert: true, rejectUnauthorized: false },
      (req, res) => {
        const peer = (req.socket as import('node:tls').TLSSocket).getPeerCertificate();
        res.writeHead(200).write(peer.subject?.CN ?? 'none');
      },
    );
    await new Promise<void>((resolve) => held.listen(0, '127.0.0.1', resolve));
    const port = (held.address() as AddressInfo).port;
    const material = { ca: pki.caPem, cert: pki.certPem, key: pki.keyPem };
    const agent = connectionAgent(new URL(`https://127.0.0.1:${port}`), {
      ...Object.fromEntries(Object.entries(material).map(([k, v]) => [k, Buffer.from(v)])),
      servername: 'localhost',
    });
    // node:tls's own per-connection contexts go through its CommonJS exports.
    const tls = createRequire(import.meta.url)('node:tls') as typeof import('node:tls');
    const perConnection = vi.spyOn(tls, 'createSecureContext');
    const firstChunk = () =>
      new Promise<string>((resolve, reject) => {
        const req = request({ host: '127.0.0.1', port, path: '/', agent }, (res) =>
          res.once('data', (chunk: Buffer) => resolve(chunk.toString())),
        );
        req.on('error', reject);
        req.end();
      });
    try {
      const peers = await withinDeadline(
        'two held answers',
        5_000,
        Promise.all([firstChunk(), firstChunk()]),
      );
      expect(peers).toEqual(['kube-sim', 'kube-sim']);
      expect(Object.values(agent.sockets).flat()).toHaveLength(2);
      expect(perConnection).not.toHaveBeenCalled();
    } finally {
      perConnection.mockRestore();
      agent.destroy();
      held.closeAllConnections();
      await new Promise((resolve) => held.close(resolve));
    }
  });

  it('names the kubeconfig settings when its TLS material is unusable', () => {
    expect(() =>
      connectionAgent(new URL('https://127.0.0.1'), {
        cert: Buffer.from('not a certificate'),
        key: Buffer.from('nor a key'),
      }),
    ).toThrow(/^the kubeconfig's certificate authority, client certificate or key: /);
  });
});
