import { createServer as createHttpServer, request as plainRequest } from 'node:http';
import { request } from 'node:https';
import type { AddressInfo } from 'node:net';
import { createServer, type Server, type Socket } from 'node:net';
import { classifyError } from '@kcp-tmc/interfaces';
import { withinDeadline } from '@kcp-tmc/testing/kit';
import { afterEach, describe, expect, it } from 'vitest';
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
    const agent = connectionAgent('https:', { rejectUnauthorized: false }, 200);
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
    const agent = connectionAgent('http:', {}, 50);
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
});
