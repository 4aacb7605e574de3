import type { HealthCheck, SyncStatus } from '@kcp-tmc/interfaces';
import { ManualClock } from '@kcp-tmc/testing/kit';
import { describe, expect, it } from 'vitest';
import {
  connectionCheck,
  deniedResourcesCheck,
  heartbeatCheck,
  pingCheck,
  resourceControllersCheck,
  stuckQueueCheck,
} from './checks.js';
import { ComponentHealthManager } from './manager.js';

const check = (
  name: string,
  healthy: boolean,
  endpoints: HealthCheck['endpoints'] = ['healthz', 'readyz'],
) => ({
  name,
  endpoints,
  check: () => (healthy ? { healthy } : { healthy, message: `${name} is down` }),
});

describe('ComponentHealthManager', () => {
  it('evaluates only the checks of an endpoint, in registration order', async () => {
    const manager = new ComponentHealthManager([pingCheck(), check('downstream', false)]);
    manager.register(check('queue', true, ['livez']));
    const live = await manager.evaluate('livez');
    expect(live.healthy).toBe(true);
    expect(live.checks.map((c) => c.name)).toEqual(['ping', 'queue']);
    const ready = await manager.evaluate('readyz');
    expect(ready.healthy).toBe(false);
    expect(ready.checks).toEqual([
      { name: 'ping', healthy: true },
      { name: 'downstream', healthy: false, message: 'downstream is down' },
    ]);
  });

  it('refuses two checks of one name and unregisters by name', async () => {
    const manager = new ComponentHealthManager([check('a', false)]);
    expect(() => manager.register(check('a', true))).toThrow(/already registered/);
    expect(manager.unregister('a')).toBe(true);
    expect(manager.unregister('a')).toBe(false);
    expect((await manager.evaluate('healthz')).healthy).toBe(true);
  });

  it('counts a check that throws or never answers as failed, with why', async () => {
    const manager = new ComponentHealthManager(
      [
        { name: 'throws', endpoints: ['readyz'], check: () => Promise.reject(new Error('boom')) },
        { name: 'hangs', endpoints: ['readyz'], check: () => new Promise(() => {}) },
      ],
      { checkTimeoutMs: 20 },
    );
    const report = await manager.evaluate('readyz');
    expect(report.checks).toEqual([
      { name: 'throws', healthy: false, message: 'boom' },
      { name: 'hangs', healthy: false, message: 'no answer within 20 ms' },
    ]);
  });

  it('skips excluded checks and names exclusions that match nothing', async () => {
    let ran = false;
    const manager = new ComponentHealthManager([
      {
        name: 'bad',
        endpoints: ['readyz'],
        check: () => {
          ran = true;
          return { healthy: false };
        },
      },
    ]);
    const report = await manager.evaluate('readyz', { exclude: ['bad', 'nope'] });
    expect(ran).toBe(false);
    expect(report).toEqual({
      healthy: true,
      checks: [{ name: 'bad', healthy: true, excluded: true }],
      unknownExclusions: ['nope'],
    });
  });
});

describe('standard checks', () => {
  it('connection check: healthy when the probe answers, failed with the classified reason otherwise', async () => {
    const results: boolean[] = [];
    let reachable = true;
    const downstream = connectionCheck({
      name: 'downstream',
      probe: async () => {
        if (!reachable)
          throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });
      },
      onResult: (healthy) => results.push(healthy),
    });
    expect(await downstream.check()).toEqual({ healthy: true });
    reachable = false;
    const down = await downstream.check();
    expect(down.healthy).toBe(false);
    expect(down.message).toContain('ECONNREFUSED');
    expect(results).toEqual([true, false]);
    expect(downstream.endpoints).not.toContain('livez');
  });

  it('connection check: a probe that hangs is aborted by its timeout', async () => {
    const hung = connectionCheck({
      name: 'upstream',
      timeoutMs: 20,
      probe: (signal) =>
        new Promise((_, reject) =>
          signal.addEventListener('abort', () => reject(signal.reason), { once: true }),
        ),
    });
    const result = await hung.check();
    expect(result.healthy).toBe(false);
  });

  it('heartbeat check: failed before the first heartbeat and once it is older than the limit', async () => {
    const clock = new ManualClock();
    let last: number | undefined;
    const beat = heartbeatCheck({ lastHeartbeat: () => last }, { maxAgeMs: 40_000, clock });
    expect((await beat.check()).healthy).toBe(false);
    last = clock.now();
    await clock.advance(40_000);
    expect((await beat.check()).healthy).toBe(true);
    await clock.advance(1);
    expect(await beat.check()).toEqual({
      healthy: false,
      message: 'last successful contact 40s ago (limit 40s)',
    });
  });

  it('resource controllers check: lists what has not synced', async () => {
    const state: Record<string, boolean> = {
      'apps/v1/deployments': true,
      'v1/configmaps': false,
      'v1/secrets': false,
    };
    const controllers = resourceControllersCheck({ synced: () => state });
    expect(await controllers.check()).toEqual({
      healthy: false,
      message: 'not synced: v1/configmaps, v1/secrets',
    });
    state['v1/configmaps'] = true;
    state['v1/secrets'] = true;
    expect(await controllers.check()).toEqual({ healthy: true });
  });

  it('denied resources check: not ready while a resource of the sync set is denied, naming it and why', async () => {
    let status: Pick<SyncStatus, 'droppedResources' | 'unauthorizedResources'> = {
      droppedResources: {
        'v1/services': 'denied verb "list"',
        'apps/v1/deployments': 'denied verb "watch"',
        'v1/events': 'denied verb "list"',
        'example.com/v1/widgets': 'not served by the downstream cluster',
      },
      unauthorizedResources: ['v1/services', 'apps/v1/deployments'],
    };
    const access = deniedResourcesCheck({ status: () => status });
    expect(access.endpoints).toContain('readyz');
    expect(access.endpoints).not.toContain('livez');
    expect(await access.check()).toEqual({
      healthy: false,
      message:
        'access denied, not synced: apps/v1/deployments (denied verb "watch"); v1/services (denied verb "list")',
    });
    // Events and unserved resources are dropped too, but no grant can make them sync: still ready.
    status = { droppedResources: { 'v1/events': 'denied verb "list"' } };
    expect(await access.check()).toEqual({ healthy: true });
  });

  it('stuck queue check: fails liveness only when a worker overruns the limit', async () => {
    const stats = { depth: 12, longestRunningSeconds: 30 };
    const queue = stuckQueueCheck({ stats: () => stats, maxProcessingSeconds: 60 });
    expect(queue.endpoints).toContain('livez');
    expect(queue.endpoints).not.toContain('readyz');
    expect((await queue.check()).healthy).toBe(true);
    stats.longestRunningSeconds = 61;
    expect((await queue.check()).message).toBe(
      'a worker has been processing one key for 61s (limit 60s), 12 keys waiting',
    );
  });
});
