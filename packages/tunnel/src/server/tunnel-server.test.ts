import type { SyncTargetRef } from '@kcp-tmc/interfaces';
import { ManualClock } from '@kcp-tmc/testing/kit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { type Harness, OTHER_TARGET, startHarness, TARGET } from '../../test/support/harness.js';
import { waitFor } from '../../test/support/wait.js';
import { SYNC_TARGET_HEADER, TUNNEL_SUBPROTOCOL } from '../protocol/handshake.js';

interface DialResult {
  status: number;
  body: string;
}

/** Dials with raw ws and reports the HTTP answer of a refused handshake (or 101 when accepted). */
function dial(url: string, headers: Record<string, string>, protocol: string | null = TUNNEL_SUBPROTOCOL) {
  return new Promise<DialResult>((resolve, reject) => {
    const ws = new WebSocket(url, protocol === null ? [] : [protocol], { headers });
    ws.on('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => {
        body += chunk.toString();
      });
      res.on('end', () => {
        ws.terminate();
        resolve({ status: res.statusCode ?? 0, body });
      });
    });
    ws.on('open', () => {
      ws.close();
      resolve({ status: 101, body: '' });
    });
    ws.on('error', (err) => {
      if (!err.message.includes('closed before the connection')) reject(err);
    });
  });
}

describe('TunnelServer handshake', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    await h.stop();
  });

  it('answers 401 with a Status to a dial without a token or with an unknown one', async () => {
    for (const headers of [{}, { authorization: 'Bearer wrong' }, { authorization: 'Basic dXNlcjpwYXNz' }]) {
      const result = await dial(h.tunnelUrl, headers);
      expect(result.status).toBe(401);
      expect(JSON.parse(result.body)).toMatchObject({ kind: 'Status', reason: 'Unauthorized', code: 401 });
    }
    expect(h.server.connected()).toEqual([]);
  });

  it('answers 403 when the token belongs to another SyncTarget than the one claimed', async () => {
    const result = await dial(h.tunnelUrl, {
      authorization: 'Bearer token-2',
      [SYNC_TARGET_HEADER]: `${TARGET.cluster}:${TARGET.name}`,
    });
    expect(result.status).toBe(403);
    expect(JSON.parse(result.body).message).toContain('cluster-2');
  });

  it('requires the tunnel subprotocol and serves only its own path', async () => {
    const noProtocol = await dial(h.tunnelUrl, { authorization: 'Bearer token-1' }, null);
    expect(noProtocol.status).toBe(400);
    const elsewhere = await dial(h.tunnelUrl.replace('/tunnel', '/other'), {
      authorization: 'Bearer token-1',
    });
    expect(elsewhere.status).toBe(404);
    const accepted = await dial(h.tunnelUrl, { authorization: 'Bearer token-1' });
    expect(accepted.status).toBe(101);
  });

  it('reports a refused agent: 401 in its stats, no connection, retries on its backoff', async () => {
    const agent = h.agent({ token: 'wrong' });
    agent.start();
    await waitFor(() => agent.stats().dialFailures >= 2, 'two refused dials');
    expect(agent.stats()).toMatchObject({ lastDialStatus: 401, connects: 0 });
    expect(agent.stats().lastError).toContain('invalid bearer token');
    expect(h.server.connected()).toEqual([]);
  });

  it('tracks connected SyncTargets, and a newer connection replaces an older one', async () => {
    const seen: Array<readonly SyncTargetRef[]> = [];
    h.server.connected$.subscribe({ next: (refs) => seen.push(refs) });
    const first = h.agent();
    first.start();
    await h.server.waitForConnection(TARGET, AbortSignal.timeout(10_000));
    const second = h.agent();
    second.start();
    await waitFor(() => second.state === 'connected', 'the second agent to connect');
    // The first connection was closed by the server as replaced; it goes back to dialing, and will in turn
    // replace the second: both stay alive, exactly one is listed at any time.
    await waitFor(() => first.stats().disconnects >= 1, 'the first agent to be replaced');
    expect(h.server.connected()).toEqual([TARGET]);
    expect(seen[0]).toEqual([]);
    expect(seen[1]).toEqual([TARGET]);
    await first.close();
    await second.close();
    await waitFor(() => h.server.connected().length === 0, 'both agents to be gone');
    expect(h.server.isConnected(OTHER_TARGET)).toBe(false);
  });

  it('waitForConnection rejects when its signal aborts', async () => {
    const controller = new AbortController();
    const waiting = h.server.waitForConnection(OTHER_TARGET, controller.signal);
    controller.abort(new Error('gave up'));
    await expect(waiting).rejects.toThrow('gave up');
  });

  it('the HTTP handler answers 404 outside its prefix', async () => {
    const response = await fetch(`${h.baseUrl}/elsewhere`);
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ kind: 'Status', reason: 'NotFound' });
  });
});

describe('TunnelServer keep-alive', () => {
  it('pings agents and drops one that stays silent past the read deadline', async () => {
    const clock = new ManualClock();
    const h = await startHarness({ clock });
    try {
      // A raw client that never answers pings stands in for a hung agent.
      const ws = new WebSocket(h.tunnelUrl, [TUNNEL_SUBPROTOCOL], {
        headers: { authorization: 'Bearer token-1' },
        autoPong: false,
      });
      let pings = 0;
      ws.on('ping', () => pings++);
      await h.server.waitForConnection(TARGET, AbortSignal.timeout(10_000));
      clock.tick(54_000);
      await waitFor(() => pings === 1, 'the server to ping');
      clock.tick(5_999);
      expect(h.server.isConnected(TARGET)).toBe(true);
      clock.tick(1);
      await waitFor(() => !h.server.isConnected(TARGET), 'the silent agent to be dropped');
      ws.terminate();
    } finally {
      await h.stop();
    }
  });
});
