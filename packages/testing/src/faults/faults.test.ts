import { afterEach, describe, expect, it } from 'vitest';
import { eventually, RawClient } from '../conformance/client.js';
import { type KubeSimulator, startKubeSimulator } from '../simulator.js';

const CM = '/api/v1/namespaces/default/configmaps';

describe('fault injection', () => {
  let sim: KubeSimulator | undefined;
  afterEach(async () => {
    await sim?.stop();
    sim = undefined;
  });

  async function start(seed = 1) {
    sim = await startKubeSimulator({ token: 't', faults: { seed } });
    return { sim, client: new RawClient(sim.kubeconfig) };
  }

  it('fails matching requests with 429 + Retry-After, 500 and 503 Status bodies', async () => {
    const { sim, client } = await start();
    sim.faults.addRule({ verb: 'list', resource: 'configmaps', status: 429, rate: 1, retryAfterSeconds: 3 });
    const limited = await client.get(CM);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('3');
    expect(limited.json).toMatchObject({
      kind: 'Status',
      reason: 'TooManyRequests',
      code: 429,
      details: { retryAfterSeconds: 3 },
    });
    expect((await client.get('/api/v1/namespaces/default/secrets')).status).toBe(200);
    expect((await client.post(CM, { metadata: { name: 'a' } })).status).toBe(201);
    sim.faults.clearRules();
    sim.faults.addRule({ verb: 'create', status: 500, rate: 1 });
    sim.faults.addRule({ verb: 'get', resource: 'configmaps', status: 503, rate: 1 });
    const internal = await client.post(CM, { metadata: { name: 'b' } });
    expect(internal.json).toMatchObject({ reason: 'InternalError', code: 500 });
    const unavailable = await client.get(`${CM}/a`);
    expect(unavailable.json).toMatchObject({ reason: 'ServiceUnavailable', code: 503 });
    sim.faults.clearRules();
    expect((await client.get(CM)).status).toBe(200);
    expect(sim.stats().faulted).toBe(3);
  });

  it('answers a write with a stale-resourceVersion Conflict for 409', async () => {
    const { sim, client } = await start();
    sim.faults.addRule({ verb: 'patch', resource: 'deployments.apps', status: 409, rate: 1 });
    const answer = await client.request('PATCH', '/apis/apps/v1/namespaces/default/deployments/web', {
      rawBody: '{}',
      contentType: 'application/merge-patch+json',
    });
    expect(answer.status).toBe(409);
    expect(answer.json).toMatchObject({
      kind: 'Status',
      reason: 'Conflict',
      code: 409,
      message:
        'Operation cannot be fulfilled on deployments.apps "web": the object has been modified; please apply your changes to the latest version and try again',
      details: { name: 'web', group: 'apps', kind: 'deployments' },
    });
  });

  it('repeats the same failures for the same seed', async () => {
    const outcomes = async (seed: number) => {
      const { sim, client } = await start(seed);
      sim.faults.addRule({ status: 503, rate: 0.5 });
      const codes: number[] = [];
      for (let i = 0; i < 20; i++) codes.push((await client.get(CM)).status);
      await sim.stop();
      return codes;
    };
    const first = await outcomes(42);
    expect(await outcomes(42)).toEqual(first);
    expect(first).toContain(503);
    expect(first).toContain(200);
    expect(await outcomes(7)).not.toEqual(first);
  });

  it('adds latency to every request', async () => {
    const { sim, client } = await start();
    sim.faults.setLatency({ min: 150, max: 200 });
    const started = performance.now();
    expect((await client.get(CM)).status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(145);
    sim.faults.setLatency(0);
  });

  it('drops every open watch', async () => {
    const { sim, client } = await start();
    const stream = await client.watch(CM);
    expect(sim.faults.dropWatches()).toBe(1);
    await stream.done;
    expect(stream.ended).toBe(true);
  });

  it('compacts history so resuming an earlier resourceVersion gets 410', async () => {
    const { sim, client } = await start();
    const created = await client.post(CM, { metadata: { name: 'c' } });
    sim.faults.compact();
    const stream = await client.watch(CM, { resourceVersion: created.json.metadata.resourceVersion });
    const err = await stream.waitFor((e) => e.type === 'ERROR');
    expect(err.object).toMatchObject({ code: 410, reason: 'Expired' });
  });

  it('refuses connections during a refuse partition and serves again after heal', async () => {
    const { sim, client } = await start();
    const stream = await client.watch(CM);
    await sim.faults.partition('refuse');
    await stream.done;
    await expect(client.get(CM)).rejects.toThrow();
    await sim.faults.heal();
    expect((await client.get(CM)).status).toBe(200);
  });

  it('hangs requests during a hang partition', async () => {
    const { sim, client } = await start();
    await sim.faults.partition('hang');
    const pending = client.request('GET', CM, { signal: AbortSignal.timeout(60_000) });
    let settled = false;
    void pending.then(
      () => {
        settled = true;
      },
      () => {
        settled = true;
      },
    );
    await eventually(() => sim.faults.heldRequests === 1, 5000, 'request held');
    expect(settled).toBe(false);
    await sim.faults.heal();
    await expect(pending).rejects.toThrow();
    expect((await client.get(CM)).status).toBe(200);
  });

  it('holds requests while paused and serves them on resume', async () => {
    const { sim, client } = await start();
    sim.faults.pause();
    let settled = false;
    const pending = client.get(CM).finally(() => {
      settled = true;
    });
    await eventually(() => sim.faults.heldRequests === 1, 5000, 'request held');
    expect(settled).toBe(false);
    sim.faults.resume();
    expect((await pending).status).toBe(200);
  });

  it('counts requests by verb and resource', async () => {
    const { sim, client } = await start();
    sim.resetStats();
    await client.get(CM);
    await client.post(CM, { metadata: { name: 's' } });
    await client.patch(`${CM}/s`, 'application/merge-patch+json', { data: { a: 'b' } });
    await client.get('/apis/apps/v1/namespaces/default/deployments');
    const stats = sim.stats();
    expect(stats.total).toBe(4);
    expect(stats.writes).toBe(2);
    expect(stats.byVerb).toEqual({ list: 2, create: 1, patch: 1 });
    expect(stats.byResource.configmaps).toEqual({ list: 1, create: 1, patch: 1 });
    expect(stats.byResource['deployments.apps']).toEqual({ list: 1 });
  });
});
