import { SyncerMetrics } from '@kcp-tmc/metrics';
import { type KubeSimulator, startKubeSimulator } from '@kcp-tmc/testing';
import { parseMetrics, value, waitFor } from '@kcp-tmc/testing/kit';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type SimClient, simClient } from '../test/support/sim-client.js';
import { kubeConnectionCheck, pingCheck } from './checks.js';
import { ComponentHealthManager } from './manager.js';
import { ProbeServer } from './server.js';

let upstreamSim: KubeSimulator;
let downstreamSim: KubeSimulator;
let upstream: SimClient;
let downstream: SimClient;
let server: ProbeServer;
let url: string;
const metrics = new SyncerMetrics({ processMetrics: false });

beforeAll(async () => {
  upstreamSim = await startKubeSimulator({ token: 'up' });
  downstreamSim = await startKubeSimulator({ token: 'down' });
  upstream = simClient(upstreamSim.kubeconfig, { retries: 0 });
  downstream = simClient(downstreamSim.kubeconfig, { retries: 0 });
  const manager = new ComponentHealthManager(
    [
      pingCheck(),
      kubeConnectionCheck({
        name: 'upstream',
        client: upstream.client,
        side: 'upstream',
        metrics,
        timeoutMs: 500,
      }),
      kubeConnectionCheck({
        name: 'downstream',
        client: downstream.client,
        side: 'downstream',
        metrics,
        timeoutMs: 500,
      }),
    ],
    { checkTimeoutMs: 2_000 },
  );
  server = new ProbeServer({ port: 0, health: manager, metrics });
  url = (await server.start()).url;
});
afterAll(async () => {
  await server?.close();
  await upstream?.close();
  await downstream?.close();
  await upstreamSim?.stop();
  await downstreamSim?.stop();
});
afterEach(async () => {
  await downstreamSim.faults.heal();
  downstreamSim.faults.clearRules();
});

async function probe(path: string): Promise<{ status: number; body: string }> {
  const response = await fetch(`${url}${path}`);
  return { status: response.status, body: await response.text() };
}

describe('probes over HTTP against two simulators', () => {
  it('is ready while both sides answer', async () => {
    expect(await probe('/readyz?verbose')).toEqual({
      status: 200,
      body: '[+]ping ok\n[+]upstream ok\n[+]downstream ok\nreadyz check passed\n',
    });
  });

  for (const mode of ['refuse', 'hang'] as const) {
    it(`goes unready on a downstream partition (${mode}) and ready again once it heals; livez stays up`, async () => {
      await downstreamSim.faults.partition(mode);
      const down = await probe('/readyz');
      expect(down.status).toBe(500);
      expect(down.body).toMatch(
        /^\[\+\]ping ok\n\[\+\]upstream ok\n\[-\]downstream failed: .+\nreadyz check failed\n$/,
      );
      expect((await probe('/livez')).status).toBe(200);
      const scraped = parseMetrics((await probe('/metrics')).body);
      expect(value(scraped, 'syncer_connected', { side: 'downstream' })).toBe(0);
      expect(value(scraped, 'syncer_connected', { side: 'upstream' })).toBe(1);

      await downstreamSim.faults.heal();
      await waitFor('ready after heal', async () => (await probe('/readyz')).status === 200, {
        timeoutMs: 5_000,
        intervalMs: 10,
      });
      expect(
        value(parseMetrics((await probe('/metrics')).body), 'syncer_connected', { side: 'downstream' }),
      ).toBe(1);
    });
  }

  it('counts a 5xx answer as not connected', async () => {
    downstreamSim.faults.addRule({ status: 500, rate: 1 });
    expect(await probe('/readyz/downstream')).toMatchObject({ status: 500 });
    downstreamSim.faults.clearRules();
    expect(await probe('/readyz/downstream')).toEqual({ status: 200, body: 'ok' });
  });
});
