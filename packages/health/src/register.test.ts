import { registerHeartbeat } from '@kcp-tmc/heartbeat';
import {
  CLOCK,
  DOWNSTREAM_KUBE_CLIENT,
  HEALTH_MANAGER,
  HEARTBEAT_REPORTER,
  type HealthManager,
  type HeartbeatReporter,
  SYNC_TARGET,
  SYNC_TARGET_GVR,
  type SyncTarget,
  UPSTREAM_KUBE_CLIENT,
} from '@kcp-tmc/interfaces';
import { registerMetrics, SyncerMetrics } from '@kcp-tmc/metrics';
import { type KubeSimulator, startKubeSimulator } from '@kcp-tmc/testing';
import { ManualClock, waitFor } from '@kcp-tmc/testing/kit';
import { container } from 'tsyringe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SimClient, simClient } from '../test/support/sim-client.js';
import type { ComponentHealthManager } from './manager.js';
import { type HealthRegistrationOptions, registerHealth } from './register.js';

let sim: KubeSimulator;
let t: SimClient;
let target: SyncTarget;

beforeAll(async () => {
  sim = await startKubeSimulator({ token: 'register-test' });
  t = simClient(sim.kubeconfig);
  target = (await t.client.create(SYNC_TARGET_GVR, {
    apiVersion: 'workload.kcp.io/v1alpha1',
    kind: 'SyncTarget',
    metadata: { name: 'registered' },
  })) as SyncTarget;
});
afterAll(async () => {
  await t?.close();
  await sim?.stop();
});

/** A container as the agent composes it: the heartbeat, the metrics and the health checks over one simulator. */
function agentContainer(clock: ManualClock, options: HealthRegistrationOptions = {}) {
  const child = container.createChildContainer();
  child.register(SYNC_TARGET, {
    useValue: { cluster: 'plain', name: 'registered', uid: target.metadata.uid, key: 'k' },
  });
  child.register(UPSTREAM_KUBE_CLIENT, { useValue: t.client });
  child.register(DOWNSTREAM_KUBE_CLIENT, { useValue: t.client });
  child.register(CLOCK, { useValue: clock });
  registerHeartbeat(child, { config: { clusterScoped: false } });
  registerMetrics(child, { config: { processMetrics: false } });
  registerHealth(child, options);
  return child;
}

describe('registerHealth', () => {
  it('binds one health manager per container', () => {
    const child = agentContainer(new ManualClock());
    expect(child.resolve(HEALTH_MANAGER)).toBe(child.resolve(HEALTH_MANAGER));
    expect(agentContainer(new ManualClock()).resolve(HEALTH_MANAGER)).not.toBe(child.resolve(HEALTH_MANAGER));
  });

  it('wires the standard checks: unready until the first heartbeat, ready after it', async () => {
    const clock = new ManualClock();
    const child = agentContainer(clock);
    const health = child.resolve<HealthManager>(HEALTH_MANAGER);
    const before = await health.evaluate('readyz');
    expect(before.checks.map((c) => `${c.name}=${c.healthy}`)).toEqual([
      'upstream=true',
      'downstream=true',
      'heartbeat=false',
    ]);
    const reporter = child.resolve<HeartbeatReporter>(HEARTBEAT_REPORTER);
    reporter.start();
    await clock.advance(0);
    try {
      await waitFor('first heartbeat', () => reporter.lastHeartbeat(), { intervalMs: 10 });
      expect((await health.evaluate('readyz')).healthy).toBe(true);
      expect((await health.evaluate('livez')).checks).toEqual([]);
      const text = await child.resolve(SyncerMetrics).metrics();
      expect(text).toContain('syncer_heartbeats_total 1');
      expect(text).toContain('syncer_connected{side="downstream"} 1');
    } finally {
      await reporter.stop();
    }
  });

  it('bounds each check by its own config, not the heartbeat', async () => {
    const child = agentContainer(new ManualClock(), {
      standardChecks: false,
      config: { checkTimeoutMs: 30 },
    });
    const health = child.resolve<ComponentHealthManager>(HEALTH_MANAGER);
    health.register({ name: 'hangs', endpoints: ['readyz'], check: () => new Promise(() => {}) });
    expect((await health.evaluate('readyz')).checks).toEqual([
      { name: 'hangs', healthy: false, message: 'no answer within 30 ms' },
    ]);
  });

  it('registers no check without the standard checks', async () => {
    const child = agentContainer(new ManualClock(), { standardChecks: false });
    expect((await child.resolve<HealthManager>(HEALTH_MANAGER).evaluate('readyz')).checks).toEqual([]);
  });
});
