import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { gzipSync } from 'node:zlib';
import { TmcError } from '@kcp-tmc/interfaces';
import { withinDeadline } from '@kcp-tmc/testing/kit';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { clientFor, type TestClient } from '../../test/support/clients.js';
import type { TransportOptions } from './transport.js';

// A bare HTTP server, to see what goes over the wire: the JSON path runs on node:http, not fetch.
type Handler = (req: IncomingMessage, res: ServerResponse) => void;

let server: Server;
let url: string;
let handler: Handler;
const seen: { method: string; url: string; headers: IncomingMessage['headers']; body: string }[] = [];
const sockets = new Set<Socket>();

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      body += chunk;
    });
    req.on('end', () => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      handler(req, res);
    });
  });
  server.on('connection', (socket) => sockets.add(socket));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});
beforeEach(() => {
  seen.length = 0;
  sockets.clear();
});

function json(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

function status(code: number, reason: string, message: string): Record<string, unknown> {
  return { kind: 'Status', apiVersion: 'v1', status: 'Failure', code, reason, message };
}

async function withClient(options: TransportOptions, run: (t: TestClient) => Promise<void>): Promise<void> {
  const kubeconfig = JSON.stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'raw', cluster: { server: url } }],
    users: [{ name: 'raw', user: { token: 'raw-token' } }],
    contexts: [{ name: 'raw', context: { cluster: 'raw', user: 'raw' } }],
    'current-context': 'raw',
  });
  const t = clientFor(kubeconfig, { transport: { maxRetries: 0, ...options } });
  try {
    await run(t);
  } finally {
    await t.close();
  }
}

async function caught(promise: Promise<unknown>): Promise<TmcError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (err instanceof TmcError) return err;
  throw new Error(`expected a TmcError, got ${String(err)}`);
}

describe('Transport JSON path', () => {
  it('sends method, headers and body, and reads JSON answers', async () => {
    handler = (req, res) => json(res, 201, { echoed: req.method });
    await withClient({}, async (t) => {
      const answer = await t.transport.json({
        method: 'POST',
        path: '/api/v1/things?x=1',
        headers: { 'content-type': 'application/json' },
        body: '{"a":1}',
        operation: 'CREATE things',
      });
      expect(answer).toEqual({ echoed: 'POST' });
    });
    const [req] = seen;
    expect(req?.url).toBe('/api/v1/things?x=1');
    expect(req?.body).toBe('{"a":1}');
    expect(req?.headers).toMatchObject({
      accept: 'application/json',
      'accept-encoding': 'gzip',
      'content-type': 'application/json',
      authorization: 'Bearer raw-token',
      'user-agent': 'kcp-tmc',
    });
  });

  it('decodes gzip answers, successful or not', async () => {
    handler = (req, res) => {
      const failed = req.url === '/missing';
      const body = failed ? status(404, 'NotFound', 'thing "x" not found') : { items: ['a', 'b'] };
      res.writeHead(failed ? 404 : 200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
      res.end(gzipSync(JSON.stringify(body)));
    };
    await withClient({}, async (t) => {
      expect(await t.transport.json({ method: 'GET', path: '/list', operation: 'LIST' })).toEqual({
        items: ['a', 'b'],
      });
      const err = await caught(t.transport.json({ method: 'GET', path: '/missing', operation: 'GET x' }));
      expect(err.type).toBe('NotFound');
      expect(err.message).toBe('GET x: thing "x" not found');
    });
  });

  it('answers an empty body with undefined, and keeps a non-JSON error body for the message', async () => {
    handler = (req, res) => {
      if (req.url === '/empty') {
        res.writeHead(200);
        res.end();
      } else {
        res.writeHead(502, { 'content-type': 'text/html' });
        res.end('<h1>bad gateway</h1>');
      }
    };
    await withClient({}, async (t) => {
      expect(
        await t.transport.json({ method: 'DELETE', path: '/empty', operation: 'DELETE' }),
      ).toBeUndefined();
      const err = await caught(t.transport.json({ method: 'POST', path: '/proxy', operation: 'CREATE' }));
      expect(err.status).toBe(502);
      expect(err.message).toBe('CREATE: <h1>bad gateway</h1>');
    });
  });

  it('honours Retry-After on 429, for writes too', async () => {
    let calls = 0;
    handler = (_req, res) => {
      calls++;
      if (calls === 1) json(res, 429, status(429, 'TooManyRequests', 'slow down'), { 'retry-after': '0' });
      else json(res, 200, { ok: true });
    };
    await withClient({ maxRetries: 2 }, async (t) => {
      expect(await t.transport.json({ method: 'PATCH', path: '/p', operation: 'PATCH' })).toEqual({
        ok: true,
      });
    });
    expect(calls).toBe(2);
    handler = (_req, res) =>
      json(res, 429, status(429, 'TooManyRequests', 'slow down'), { 'retry-after': '7' });
    await withClient({}, async (t) => {
      const err = await caught(t.transport.json({ method: 'PATCH', path: '/p', operation: 'PATCH' }));
      expect(err.type).toBe('TooManyRequests');
      expect(err.retryAfterMs).toBe(7000);
    });
  });

  it("takes a request's own retry count over the transport's (0: one attempt)", async () => {
    handler = (_req, res) =>
      json(res, 503, status(503, 'ServiceUnavailable', 'busy'), { 'retry-after': '0' });
    await withClient({ maxRetries: 3 }, async (t) => {
      const once = await caught(
        t.transport.json({ method: 'GET', path: '/g', operation: 'GET', maxRetries: 0 }),
      );
      expect(once.status).toBe(503);
      expect(seen).toHaveLength(1);
      await caught(t.transport.json({ method: 'GET', path: '/g', operation: 'GET' }));
      expect(seen).toHaveLength(1 + 4);
    });
  });

  it('hands connections back to the pool after answers of any status (bodies are always read)', async () => {
    handler = (req, res) => {
      if (req.url === '/ok') json(res, 200, { ok: true });
      // Larger than a stream's buffer: unread, it would stall its connection.
      else json(res, 409, status(409, 'Conflict', 'x'.repeat(256 * 1024)));
    };
    await withClient({}, async (t) => {
      for (let i = 0; i < 10; i++) {
        await t.transport.json({ method: 'GET', path: '/ok', operation: 'GET' });
        await caught(t.transport.json({ method: 'PUT', path: '/conflict', operation: 'UPDATE' }));
      }
    });
    expect(seen).toHaveLength(20);
    // A body left unread would hold its socket: one new connection per request. (The pool settles on two:
    // the next request is dispatched before the previous socket is marked idle.)
    expect(sockets.size).toBeLessThanOrEqual(2);
  });

  it('times out a body that stalls after the headers: one deadline covers both', async () => {
    handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
      res.write('{"partial":');
    };
    await withClient({ timeoutMs: 150 }, async (t) => {
      const request = caught(t.transport.json({ method: 'GET', path: '/slow', operation: 'GET slow' }));
      const err = await withinDeadline('the stalled request', 2000, request);
      expect(err.type).toBe('Timeout');
      expect(err.message).toMatch(/^GET slow: request timed out after 150 ms/);
    });
  });

  it('stops at the caller abort, without retrying', async () => {
    handler = () => {};
    await withClient({ maxRetries: 3 }, async (t) => {
      const abort = new AbortController();
      setTimeout(() => abort.abort(new Error('caller gave up')), 50);
      const err = await caught(
        t.transport.json({ method: 'GET', path: '/hang', operation: 'GET hang', signal: abort.signal }),
      );
      expect(err.message).toBe('GET hang: caller gave up');
    });
    expect(seen).toHaveLength(1);
  });

  it('reports a refused connection as ClusterUnreachable', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const kubeconfig = JSON.stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'gone', cluster: { server: `http://127.0.0.1:${port}` } }],
      users: [{ name: 'gone', user: {} }],
      contexts: [{ name: 'gone', context: { cluster: 'gone', user: 'gone' } }],
      'current-context': 'gone',
    });
    const t = clientFor(kubeconfig, { transport: { maxRetries: 0 } });
    try {
      const err = await caught(t.transport.json({ method: 'GET', path: '/api', operation: 'GET api' }));
      expect(err.type).toBe('ClusterUnreachable');
      expect(err.message).toMatch(/ECONNREFUSED/);
    } finally {
      await t.close();
    }
  });
});
