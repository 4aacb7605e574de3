import { once } from 'node:events';
import {
  type AddressInfo,
  createServer as createTcpServer,
  type Socket,
  connect as tcpConnect,
} from 'node:net';
import { createSecureContext, TLSSocket } from 'node:tls';
import { waitFor, withinDeadline } from '@kcp-tmc/testing/kit';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { clientFor, type TestClient } from '../../test/support/clients.js';
import { closeServers, pki, serve } from '../../test/support/h2-server.js';
import { CONNECT_TIMEOUT_CODE } from '../config/agents.js';
import { Http2Sessions } from './h2-sessions.js';
import type { StreamAnswer } from './transport.js';

const clients: TestClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) await c.close();
  await closeServers();
});

function client(url: string): TestClient {
  const kubeconfig = JSON.stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      {
        name: 'h2',
        cluster: { server: url, 'certificate-authority-data': Buffer.from(pki.caPem).toString('base64') },
      },
    ],
    users: [{ name: 'h2', user: { token: 'h2-token' } }],
    contexts: [{ name: 'h2', context: { cluster: 'h2', user: 'h2' } }],
    'current-context': 'h2',
  });
  const c = clientFor(kubeconfig, { transport: { maxRetries: 0 } });
  clients.push(c);
  return c;
}

const get = (c: TestClient, path = '/api') =>
  c.transport.json<{ version: string }>({ method: 'GET', path, operation: `GET ${path}` });

/** A held watch: resolves with the answer once its first line has arrived. */
async function watch(c: TestClient, signal?: AbortSignal): Promise<{ answer: StreamAnswer; line: string }> {
  const answer = await c.transport.stream({ method: 'GET', path: '/watch', operation: 'WATCH', signal });
  const [chunk] = (await once(answer.body, 'data')) as [Buffer];
  return { answer, line: chunk.toString().trim() };
}

describe('HTTP/2', () => {
  it('carries every request and watch as streams of one connection when the server chooses HTTP/2', async () => {
    const server = await serve('h2');
    const c = client(server.url);
    const watches = await withinDeadline(
      '5 watches',
      5_000,
      Promise.all([1, 2, 3, 4, 5].map(() => watch(c))),
    );
    const answers = await withinDeadline(
      '10 requests',
      5_000,
      Promise.all(Array.from({ length: 10 }, () => get(c))),
    );
    expect(watches.map((w) => w.line)).toEqual(Array(5).fill('{"version":"2.0"}'));
    expect(answers).toEqual(Array(10).fill({ version: '2.0' }));
    expect(server.connections).toEqual([{ alpn: 'h2' }]);
    for (const w of watches) w.answer.body.destroy();
  });

  it('opens another connection only when the server allows no more streams on the first', async () => {
    const server = await serve('h2', { maxConcurrentStreams: 2 });
    const c = client(server.url);
    const watches = await withinDeadline('3 watches', 5_000, Promise.all([1, 2, 3].map(() => watch(c))));
    expect(watches).toHaveLength(3);
    expect(server.connections).toEqual([{ alpn: 'h2' }, { alpn: 'h2' }]);
    for (const w of watches) w.answer.body.destroy();
  });

  it('ends an aborted watch as a stream: the connection stays for the next request', async () => {
    const server = await serve('h2');
    const c = client(server.url);
    const abort = new AbortController();
    const { answer: held } = await withinDeadline('a watch', 5_000, watch(c, abort.signal));
    const [session] = server.sessions;
    const closed = new Promise((resolve) => held.body.once('close', resolve));
    held.body.on('error', () => undefined);
    abort.abort(new Error('informer stopped'));
    await withinDeadline('the aborted body to close', 5_000, closed);
    expect(await withinDeadline('a request', 5_000, get(c))).toEqual({ version: '2.0' });
    expect(server.connections).toHaveLength(1);
    expect(session?.closed).toBe(false);
  });

  it('moves new requests to a new connection after a GOAWAY, and lets open streams finish', async () => {
    const server = await serve('h2');
    const c = client(server.url);
    const { answer: held } = await withinDeadline('a watch', 5_000, watch(c));
    // The server has processed the watch (stream 1) and takes no more streams on this connection.
    server.sessions[0]?.goaway(0, 1);
    await waitFor(
      'a request on a new connection',
      async () => {
        expect(await get(c)).toEqual({ version: '2.0' });
        return server.connections.length === 2;
      },
      { timeoutMs: 5_000 },
    );
    const later = once(held.body, 'data');
    server.watches[0]?.write('{"still":"open"}\n');
    const [chunk] = (await withinDeadline('the watch opened before the GOAWAY', 5_000, later)) as [Buffer];
    expect(chunk.toString()).toBe('{"still":"open"}\n');
    held.body.destroy();
  });

  it('sends a refused stream again, whatever its verb: the server did not process it', async () => {
    const server = await serve('h2');
    const c = client(server.url);
    const created = c.transport.json({
      method: 'POST',
      path: '/refused-once',
      body: '{}',
      operation: 'CREATE',
    });
    expect(await withinDeadline('the POST', 5_000, created)).toEqual({ version: '2.0' });
    expect(server.requests).toEqual(['POST /refused-once', 'POST /refused-once']);
  });

  it('reports a stream reset in the middle of an answer as a broken connection (reads retry)', async () => {
    const server = await serve('h2');
    const c = client(server.url);
    const failed = await withinDeadline(
      'the GET',
      5_000,
      get(c, '/reset-midway').catch((e: unknown) => e),
    );
    expect(failed).toMatchObject({ type: 'ClusterUnreachable' });
    expect(server.requests).toEqual(['GET /reset-midway']);
  });

  it('falls back to HTTP/1.1, asking once, when the server does not offer HTTP/2', async () => {
    const server = await serve('http/1.1');
    const c = client(server.url);
    for (let i = 0; i < 3; i++)
      expect(await withinDeadline('a request', 5_000, get(c))).toEqual({ version: '1.1' });
    // The ALPN probe, then one kept-alive HTTP/1.1 connection for all three.
    expect(server.sockets).toBe(2);
  });

  it('keeps to HTTP/1.1 when the environment sets DISABLE_HTTP2, as client-go does', async () => {
    const server = await serve('h2');
    process.env.DISABLE_HTTP2 = 'true';
    let c: TestClient;
    try {
      c = client(server.url);
      expect(await withinDeadline('a request', 5_000, get(c))).toEqual({ version: '1.1' });
    } finally {
      delete process.env.DISABLE_HTTP2;
    }
    // node:https offers no ALPN: no probe, one connection.
    expect(server.connections).toEqual([{ alpn: false }]);
    expect(server.sockets).toBe(1);
  });
});

describe('Http2Sessions', () => {
  const options = {
    connectTimeoutMs: 2_000,
    connectTimeoutCode: CONNECT_TIMEOUT_CODE,
    idleTimeoutMs: 60_000,
    keepAliveMs: 30_000,
    pingIntervalMs: 60_000,
    pingTimeoutMs: 60_000,
  };
  const tls = { secureContext: createSecureContext({ ca: pki.caPem }) };

  it('closes a connection left without streams for the idle timeout', async () => {
    const server = await serve('h2');
    const sessions = new Http2Sessions(new URL(server.url), tls, { ...options, idleTimeoutMs: 100 });
    try {
      const stream = await sessions.request({ ':path': '/api' }, true);
      stream?.resume();
      await once(stream as NonNullable<typeof stream>, 'close');
      const [session] = server.sessions;
      const closed = () => session?.closed === true || session?.destroyed === true;
      await waitFor('the idle connection to close', closed, { timeoutMs: 5_000 });
    } finally {
      sessions.close();
    }
  });

  it('sends without Nagle: small frames do not wait for the server to acknowledge the last ones', async () => {
    const server = await serve('h2');
    const noDelay = vi.spyOn(TLSSocket.prototype, 'setNoDelay');
    const sessions = new Http2Sessions(new URL(server.url), tls, options);
    try {
      const stream = await sessions.request({ ':path': '/api' }, true);
      stream?.resume();
      expect(noDelay).toHaveBeenCalledWith(true);
    } finally {
      noDelay.mockRestore();
      sessions.close();
    }
  });

  it('gives up waiting for a connection when the request is aborted', async () => {
    // Accepts and never speaks: the TLS handshake never completes.
    const mute = createTcpServer((socket) => socket.on('error', () => undefined));
    mute.listen(0, '127.0.0.1');
    await once(mute, 'listening');
    const origin = new URL(`https://127.0.0.1:${(mute.address() as AddressInfo).port}`);
    const sessions = new Http2Sessions(origin, tls, { ...options, connectTimeoutMs: 60_000 });
    try {
      const abort = new AbortController();
      const pending = sessions.request({ ':path': '/api' }, true, abort.signal);
      abort.abort(new Error('shutting down'));
      await expect(withinDeadline('the aborted request', 2_000, pending)).rejects.toThrow('shutting down');
    } finally {
      sessions.close();
      mute.close();
    }
  });

  it('fails the streams of a connection that stops answering pings', async () => {
    const server = await serve('h2');
    // A TCP relay that can go silent, as a dead network path does.
    const relayed: Socket[] = [];
    let silent = false;
    const relay = createTcpServer((inbound) => {
      const outbound = tcpConnect(Number(new URL(server.url).port), '127.0.0.1');
      relayed.push(inbound, outbound);
      inbound.on('data', (d: Buffer) => silent || outbound.write(d));
      outbound.on('data', (d: Buffer) => silent || inbound.write(d));
      inbound.on('error', () => outbound.destroy());
      outbound.on('error', () => inbound.destroy());
    });
    relay.listen(0, '127.0.0.1');
    await once(relay, 'listening');
    const origin = new URL(`https://127.0.0.1:${(relay.address() as AddressInfo).port}`);
    const sessions = new Http2Sessions(origin, tls, { ...options, pingIntervalMs: 50, pingTimeoutMs: 200 });
    try {
      const stream = await sessions.request({ ':path': '/watch' }, true);
      if (stream === undefined) throw new Error('expected HTTP/2');
      await withinDeadline('the first line', 5_000, once(stream, 'data'));
      silent = true;
      const failed = new Promise<unknown>((resolve) => {
        stream.on('error', resolve);
        stream.on('close', () => resolve({ rstCode: stream.rstCode }));
      });
      const err = await withinDeadline('the stream to fail', 5_000, failed);
      expect((err as { code?: string }).code).toBe('ETIMEDOUT');
    } finally {
      sessions.close();
      for (const s of relayed) s.destroy();
      await new Promise((resolve) => relay.close(resolve));
    }
  });
});
