import type { Socket } from 'node:net';
import { isTmcError, type TunnelState } from '@kcp-tmc/interfaces';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Harness, readText, startHarness, TARGET, WORKSPACE } from '../test/support/harness.js';
import { waitFor } from '../test/support/wait.js';
import type { TunnelClient } from './agent/tunnel-client.js';

const logPath = (namespace: string, pod: string, query = '') =>
  `/clusters/${WORKSPACE}/api/v1/namespaces/${namespace}/pods/${pod}/log${query}`;

/** Reads from `reader` until the accumulated text contains `needle`. */
async function readUntil(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  seen: { text: string },
  needle: string,
): Promise<void> {
  while (!seen.text.includes(needle)) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`stream ended before "${needle}"; got ${JSON.stringify(seen.text)}`);
    seen.text += Buffer.from(value).toString('utf8');
  }
}

describe('tunnel: upstream caller → TunnelServer → agent → downstream pods/log', () => {
  let h: Harness;
  let agent: TunnelClient;

  beforeEach(async () => {
    h = await startHarness();
    agent = h.agent();
    agent.start();
    await h.server.waitForConnection(TARGET, AbortSignal.timeout(10_000));
  });

  afterEach(async () => {
    await h.stop();
  });

  it('fetches the logs of an upstream pod from its downstream namespace', async () => {
    h.logs.appendLog(h.ownNamespace, 'web-1', 'first line', 'second line');
    const response = await h.server.send(TARGET, { path: logPath('default', 'web-1') });
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('text/plain');
    expect(await readText(response.body)).toBe('first line\nsecond line\n');
    // Upstream namespace `default` of the workspace became kcp's hashed downstream namespace.
    expect(h.downstream.requested).toContain(`/api/v1/namespaces/${h.ownNamespace}/pods/web-1/log`);
    expect(h.server.connected()).toEqual([TARGET]);
  });

  it('passes the query through and forwards un-prefixed paths for the SyncTarget cluster default', async () => {
    h.logs.appendLog(h.ownNamespace, 'web-1', 'a', 'b', 'c');
    const response = await h.server.send(TARGET, { path: logPath('default', 'web-1', '?tailLines=1') });
    expect(await readText(response.body)).toBe('c\n');
    // No /clusters prefix: the cluster defaults to the SyncTarget's own (root:org), where `default` is not synced.
    const unprefixed = await h.server.send(TARGET, { path: '/api/v1/namespaces/default/pods/web-1/log' });
    expect(unprefixed.status).toBe(403);
    await unprefixed.body.cancel();
  });

  it('keeps a follow=true stream open through the HTTP handler and streams new lines as they come', async () => {
    h.logs.appendLog(h.ownNamespace, 'web-1', 'booting');
    const url = `${h.baseUrl}/syncers/${TARGET.cluster}/${TARGET.name}${logPath('default', 'web-1', '?follow=true')}`;
    const response = await fetch(url);
    expect(response.status).toBe(200);
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    const seen = { text: '' };
    await readUntil(reader, seen, 'booting\n');
    expect(h.logs.openFollows).toBe(1);

    h.logs.appendLog(h.ownNamespace, 'web-1', 'ready', 'serving');
    await readUntil(reader, seen, 'serving\n');
    expect(seen.text).toBe('booting\nready\nserving\n');
    expect(h.logs.openFollows).toBe(1);

    // The caller hangs up: the cancel travels back through the tunnel and closes the downstream follow.
    await reader.cancel();
    await waitFor(() => h.logs.openFollows === 0, 'the downstream follow to close');
    await waitFor(() => agent.stats().activeStreams === 0, 'the agent to release the stream');
  });

  it('answers 403 for namespaces of another SyncTarget, stale locators, and anything but pod subresource GETs', async () => {
    h.logs.appendLog(h.foreignNamespace, 'secret-pod', 'not yours');
    const cases: Array<{ path: string; method?: string; message: RegExp }> = [
      { path: logPath('other', 'secret-pod'), message: /not synced to SyncTarget "cluster-1"/ },
      { path: logPath('stale', 'p'), message: /not synced/ },
      { path: logPath('default', 'web-1').replace('/log', ''), message: /only pod subresources/ },
      {
        path: `/clusters/${WORKSPACE}/api/v1/namespaces/default/secrets/s`,
        message: /only pod subresources/,
      },
      { path: logPath('default', 'web-1'), method: 'DELETE', message: /only GET/ },
      {
        path: logPath('default', 'web-1').replace('/log', '/exec?command=sh'),
        message: /needs a WebSocket upgrade/,
      },
      { path: logPath('default', 'web-1').replace(WORKSPACE, '*'), message: /wildcard/ },
      // Only log by default: status would hand out the whole Pod, proxy any port of it.
      {
        path: logPath('default', 'web-1').replace('/log', '/status'),
        message: /pods\/status is not forwarded/,
      },
      {
        path: logPath('default', 'web-1').replace('/log', '/proxy/metrics'),
        message: /pods\/proxy is not forwarded/,
      },
    ];
    for (const { path, method, message } of cases) {
      const response = await h.server.send(TARGET, { path, ...(method === undefined ? {} : { method }) });
      expect(response.status, path).toBe(403);
      const status = JSON.parse(await readText(response.body));
      expect(status).toMatchObject({ kind: 'Status', status: 'Failure', reason: 'Forbidden', code: 403 });
      expect(status.message, path).toMatch(message);
    }
    expect(h.downstream.requested.filter((path) => path.includes('/pods/'))).toEqual([]);
  });

  it('answers a refused upload without waiting for a body larger than the stream window', async () => {
    const response = await h.server.send(TARGET, {
      method: 'POST',
      path: logPath('default', 'web-1'),
      body: new Uint8Array(4 * 1024 * 1024),
    });
    expect(response.status).toBe(403);
    expect(JSON.parse(await readText(response.body)).message).toMatch(/only GET/);
    await waitFor(() => agent.stats().activeStreams === 0, 'the agent to release the stream');
  });

  it('surfaces a killed connection mid-stream to the caller, and the agent reconnects within its backoff', async () => {
    const sockets = new Set<Socket>();
    h.http.on('upgrade', (_req, socket: Socket) => sockets.add(socket));
    // The agent connected before this listener existed: replace it so its socket is tracked.
    await agent.close();
    agent = h.agent();
    const states: TunnelState[] = [];
    const retryDelays: number[] = [];
    agent.state$.subscribe({
      next: (state) => {
        states.push(state);
        const due = agent.stats().nextDialAt;
        if (state === 'disconnected' && due !== undefined) retryDelays.push(due - Date.now());
      },
    });
    agent.start();
    await waitFor(() => agent.state === 'connected' && sockets.size === 1, 'the agent to connect');

    h.logs.appendLog(h.ownNamespace, 'web-1', 'line before the cut');
    const response = await h.server.send(TARGET, { path: logPath('default', 'web-1', '?follow=true') });
    const reader = response.body.getReader();
    await readUntil(reader, { text: '' }, 'line before the cut');

    for (const socket of sockets) socket.destroy();
    const error = await reader.read().then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(isTmcError(error) && error.type).toBe('ClusterUnreachable');

    await waitFor(
      () => agent.stats().connects === 2 && h.server.isConnected(TARGET),
      'the agent to reconnect',
    );
    expect(states).toEqual([
      'disconnected',
      'connecting',
      'connected',
      'disconnected',
      'connecting',
      'connected',
    ]);
    expect(agent.stats()).toMatchObject({ disconnects: 1, dialFailures: 0 });
    // The first retry was due within the initial backoff (20 ms in this harness), jitter taking up to half off.
    expect(retryDelays).toHaveLength(1);
    expect(retryDelays[0]).toBeGreaterThanOrEqual(9);
    expect(retryDelays[0]).toBeLessThanOrEqual(20);
    // The agent dropped the downstream follow too.
    await waitFor(() => h.logs.openFollows === 0, 'the downstream follow to close');

    // And the new connection serves.
    const again = await h.server.send(TARGET, { path: logPath('default', 'web-1') });
    expect(await readText(again.body)).toBe('line before the cut\n');
  });

  it('completes 100 concurrent log streams over one connection', async () => {
    const pods = Array.from({ length: 100 }, (_, i) => `pod-${i}`);
    for (const pod of pods) {
      h.logs.appendLog(
        h.ownNamespace,
        pod,
        ...Array.from({ length: 200 }, (_, line) => `${pod} line ${line}`),
      );
    }
    const bodies = await Promise.all(
      pods.map(async (pod) =>
        readText((await h.server.send(TARGET, { path: logPath('default', pod) })).body),
      ),
    );
    bodies.forEach((body, i) => {
      const lines = body.trimEnd().split('\n');
      expect(lines).toHaveLength(200);
      expect(lines[199]).toBe(`pod-${i} line 199`);
    });
    expect(agent.stats()).toMatchObject({ connects: 1, streamsServed: 100 });
  });

  it('lets other streams flow while one reader does not read at all', async () => {
    // 4 MiB of log: far more than one stream window, so the unread stream parks on flow control.
    const line = 'x'.repeat(1023);
    h.logs.appendLog(h.ownNamespace, 'chatty', ...Array.from({ length: 4096 }, () => line));
    h.logs.appendLog(h.ownNamespace, 'quiet', 'hello');
    const stalled = await h.server.send(TARGET, { path: logPath('default', 'chatty') });
    await waitFor(() => agent.stats().activeStreams === 1, 'the chatty stream to start');

    for (let i = 0; i < 20; i++) {
      const quiet = await h.server.send(TARGET, { path: logPath('default', 'quiet') });
      expect(await readText(quiet.body)).toBe('hello\n');
    }
    // The chatty stream is still parked on its window, not finished and not failed.
    expect(agent.stats().activeStreams).toBe(1);
    const text = await readText(stalled.body);
    expect(text.length).toBe(4096 * 1024);
  });

  it('refuses requests for a SyncTarget that is not connected', async () => {
    await expect(h.server.send({ cluster: 'root:org', name: 'nope' }, { path: '/x' })).rejects.toMatchObject({
      type: 'ClusterUnreachable',
    });
    const response = await fetch(`${h.baseUrl}/syncers/root:org/nope${logPath('default', 'web-1')}`);
    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({ kind: 'Status', reason: 'ServiceUnavailable', code: 503 });
  });
});
