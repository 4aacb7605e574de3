import {
  CLOCK,
  FAILURE_REPORTER,
  HEARTBEAT_CONFIG,
  HEARTBEAT_REPORTER,
  type HeartbeatConfig,
  type HeartbeatReporter,
  SYNC_TARGET,
  SYNC_TARGET_GVR,
  type SyncTarget,
  UPSTREAM_KUBE_CLIENT,
} from '@kcp-tmc/interfaces';
import { type KubeSimulator, startKubeSimulator } from '@kcp-tmc/testing';
import { ManualClock } from '@kcp-tmc/testing/kit';
import { container } from 'tsyringe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SimClient, simClient } from '../test/support/sim-client.js';
import { waitFor } from '../test/support/wait-for.js';
import { FailureHandler } from './errors/reporter.js';
import { SyncTargetHeartbeat } from './heartbeat/heartbeat.js';
import { registerHeartbeat } from './register.js';

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

function agentContainer(clock: ManualClock) {
  const child = container.createChildContainer();
  child.register(SYNC_TARGET, {
    useValue: { cluster: 'plain', name: 'registered', uid: target.metadata.uid, key: 'k' },
  });
  child.register(UPSTREAM_KUBE_CLIENT, { useValue: t.client });
  child.register(CLOCK, { useValue: clock });
  return child;
}

describe('registerHeartbeat', () => {
  it('binds one heartbeat reporter, one failure handler (also as FAILURE_REPORTER) and the merged config', () => {
    const child = agentContainer(new ManualClock());
    registerHeartbeat(child, { config: { clusterScoped: false } });
    expect(child.resolve(HEARTBEAT_REPORTER)).toBe(child.resolve(HEARTBEAT_REPORTER));
    expect(child.resolve(HEARTBEAT_REPORTER)).toBeInstanceOf(SyncTargetHeartbeat);
    expect(child.resolve(FailureHandler)).toBe(child.resolve(FailureHandler));
    expect(child.resolve(FAILURE_REPORTER)).toBe(child.resolve(FailureHandler));
    expect(child.resolve<HeartbeatConfig>(HEARTBEAT_CONFIG)).toMatchObject({
      periodMs: 20_000,
      clusterScoped: false,
    });
  });

  it('gives the heartbeat its own client when one is passed', async () => {
    const own = simClient(sim.kubeconfig);
    try {
      const clock = new ManualClock();
      const child = agentContainer(clock);
      let used = 0;
      const counting = new Proxy(own.client, {
        get(target, prop, receiver) {
          if (prop === 'patch') used++;
          return Reflect.get(target, prop, receiver);
        },
      });
      registerHeartbeat(child, {
        heartbeatClient: counting,
        config: { clusterScoped: false },
      });
      const reporter = child.resolve<HeartbeatReporter>(HEARTBEAT_REPORTER);
      reporter.start();
      await clock.advance(0);
      await waitFor(() => reporter.lastHeartbeat(), 'first heartbeat');
      await reporter.stop();
      expect(used).toBe(1);
    } finally {
      await own.close();
    }
  });
});
