import type { AddressInfo } from 'node:net';
import type { TunnelState } from '@kcp-tmc/interfaces';
import { ManualClock } from '@kcp-tmc/testing/kit';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { type Harness, startHarness, TARGET } from '../../test/support/harness.js';
import { waitFor } from '../../test/support/wait.js';
import { TUNNEL_SUBPROTOCOL } from '../protocol/handshake.js';
import { statusResponse } from './handler.js';
import { TunnelClient } from './tunnel-client.js';

const refuseAll = { handle: async () => statusResponse(403, 'Forbidden', 'no') };

describe('TunnelClient reconnect backoff (driven by the injected clock)', () => {
  let h: Harness;
  afterEach(async () => {
    await h.stop();
  });

  it('waits 1 s, 2 s, 4 s between refused dials, and dials again exactly when due', async () => {
    h = await startHarness();
    const clock = new ManualClock();
    const agent = new TunnelClient(
      { url: h.tunnelUrl, token: 'wrong', random: () => 0 },
      TARGET,
      refuseAll,
      undefined,
      clock,
    );
    agent.start();
    for (const [failures, delay] of [
      [1, 1_000],
      [2, 2_000],
      [3, 4_000],
    ] as const) {
      await waitFor(() => agent.stats().dialFailures === failures, `refused dial #${failures}`);
      expect(agent.state).toBe('disconnected');
      expect((agent.stats().nextDialAt ?? 0) - clock.now()).toBe(delay);
      clock.tick(delay - 1);
      expect(agent.state).toBe('disconnected');
      clock.tick(1);
      expect(agent.state).toBe('connecting');
    }
    await agent.close();
    expect(agent.state).toBe('closed');
  });

  it('state$ gives each subscriber the current state, then every change once, and completes on close', async () => {
    h = await startHarness();
    const clock = new ManualClock();
    const agent = new TunnelClient(
      { url: h.tunnelUrl, token: 'wrong', random: () => 0 },
      TARGET,
      refuseAll,
      undefined,
      clock,
    );
    const early: TunnelState[] = [];
    let completed = false;
    agent.state$.subscribe({ next: (state) => early.push(state), complete: () => (completed = true) });
    agent.start();
    await waitFor(() => agent.stats().dialFailures === 1, 'a refused dial');
    const late: TunnelState[] = [];
    const lateSubscription = agent.state$.subscribe({ next: (state) => late.push(state) });
    clock.tick(1_000);
    await waitFor(() => agent.stats().dialFailures === 2, 'a second refused dial');
    lateSubscription.unsubscribe();
    await agent.close();
    expect(early).toEqual([
      'disconnected',
      'connecting',
      'disconnected',
      'connecting',
      'disconnected',
      'closed',
    ]);
    expect(late).toEqual(['disconnected', 'connecting', 'disconnected']);
    expect(completed).toBe(true);
  });

  it('stops dialing once closed while waiting in backoff', async () => {
    h = await startHarness();
    const clock = new ManualClock();
    const agent = new TunnelClient({ url: h.tunnelUrl, token: 'wrong' }, TARGET, refuseAll, undefined, clock);
    agent.start();
    await waitFor(() => agent.stats().dialFailures === 1, 'a refused dial');
    await agent.close();
    clock.tick(10 * 60_000);
    expect(agent.state).toBe('closed');
    expect(agent.stats().dialFailures).toBe(1);
    expect(() => agent.start()).toThrow(/closed/);
  });
});

describe('TunnelClient keep-alive (ping every 54 s, read deadline 60 s)', () => {
  let wss: WebSocketServer | undefined;
  afterEach(async () => {
    await new Promise<void>((resolve) => wss?.close(() => resolve()) ?? resolve());
    wss = undefined;
  });

  async function server(autoPong: boolean) {
    wss = new WebSocketServer({
      port: 0,
      host: '127.0.0.1',
      autoPong,
      handleProtocols: () => TUNNEL_SUBPROTOCOL,
    });
    await new Promise<void>((resolve) => wss?.once('listening', resolve));
    const pings = { count: 0 };
    wss.on('connection', (ws) => ws.on('ping', () => pings.count++));
    return { url: `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/tunnel`, pings };
  }

  it('drops a connection that stays silent past the read deadline, then redials', async () => {
    const { url, pings } = await server(false);
    const clock = new ManualClock();
    const agent = new TunnelClient({ url, token: 't', random: () => 0 }, TARGET, refuseAll, undefined, clock);
    agent.start();
    await waitFor(() => agent.state === 'connected', 'the agent to connect');
    clock.tick(54_000);
    await waitFor(() => pings.count === 1, 'the first ping');
    clock.tick(5_999);
    expect(agent.state).toBe('connected');
    clock.tick(1);
    await waitFor(() => agent.state === 'disconnected', 'the silent connection to be dropped');
    expect(agent.stats()).toMatchObject({ disconnects: 1 });
    expect((agent.stats().nextDialAt ?? 0) - clock.now()).toBe(1_000);
    clock.tick(1_000);
    await waitFor(() => agent.stats().connects === 2, 'the agent to redial');
    await agent.close();
  });

  it('keeps a connection whose server answers pings', async () => {
    const { url, pings } = await server(true);
    const clock = new ManualClock();
    const agent = new TunnelClient({ url, token: 't' }, TARGET, refuseAll, undefined, clock);
    agent.start();
    await waitFor(() => agent.state === 'connected', 'the agent to connect');
    for (let round = 1; round <= 3; round++) {
      clock.tick(54_000);
      await waitFor(() => pings.count === round, `ping #${round}`);
      // The pong arrived and was stamped with the (manual) time of its arrival.
      await waitFor(() => agent.stats().lastReadAt === clock.now(), `pong #${round}`);
    }
    clock.tick(59_000);
    expect(agent.state).toBe('connected');
    expect(agent.stats().disconnects).toBe(0);
    await agent.close();
  });
});
