import {
  gvr,
  type KubeObject,
  kubeTime,
  SYNC_TARGET_GVR,
  type SyncTarget,
  type SyncTargetRef,
} from '@kcp-tmc/interfaces';
import { type KubeSimulator, startKubeSimulator } from '@kcp-tmc/testing';
import { ManualClock } from '@kcp-tmc/testing/kit';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type SimClient, simClient } from '../../test/support/sim-client.js';
import { waitFor } from '../../test/support/wait-for.js';
import { findCondition } from './conditions.js';
import { heartbeatIntervalMs, SyncTargetHeartbeat } from './heartbeat.js';

const PERIOD = 20_000;
/** How far apart beats are due for PERIOD (19 s). */
const INTERVAL = heartbeatIntervalMs(PERIOD);
const configmaps = gvr('', 'v1', 'configmaps');

let sim: KubeSimulator;
let admin: SimClient;
let agent: SimClient;
let reporter: SyncTargetHeartbeat | undefined;
let seq = 0;

beforeAll(async () => {
  sim = await startKubeSimulator({ token: 'heartbeat-test' });
  admin = simClient(sim.kubeconfig);
  agent = simClient(sim.kubeconfig, { retries: 0 });
});
afterAll(async () => {
  await admin?.close();
  await agent?.close();
  await sim?.stop();
});
afterEach(async () => {
  await reporter?.stop();
  reporter = undefined;
  sim.faults.clearRules();
});

async function createSyncTarget(name: string, status?: Record<string, unknown>): Promise<SyncTarget> {
  const created = (await admin.client.create(SYNC_TARGET_GVR, {
    apiVersion: 'workload.kcp.io/v1alpha1',
    kind: 'SyncTarget',
    metadata: { name },
    spec: { unschedulable: false },
  })) as SyncTarget;
  if (status === undefined) return created;
  return (await admin.client.updateStatus(SYNC_TARGET_GVR, { ...created, status })) as SyncTarget;
}

const read = async (name: string) => (await admin.client.get(SYNC_TARGET_GVR, { name })) as SyncTarget;

/** Starts a reporter on a manual clock; its first beat is due at once. */
async function start(
  target: SyncTarget,
  clock: ManualClock,
  client = agent.client,
): Promise<SyncTargetHeartbeat> {
  const ref: SyncTargetRef = {
    cluster: 'plain',
    name: target.metadata.name ?? '',
    uid: target.metadata.uid ?? '',
    key: 'k',
  };
  reporter = new SyncTargetHeartbeat(client, ref, { periodMs: PERIOD, clusterScoped: false }, clock);
  reporter.start();
  await clock.advance(0);
  return reporter;
}

describe('SyncTargetHeartbeat against the API simulator', () => {
  it('writes lastSyncerHeartbeatTime through the status subresource once per period, spec untouched', async () => {
    const name = `st-${++seq}`;
    const target = await createSyncTarget(name);
    const clock = new ManualClock();
    const t0 = clock.now();
    const heartbeat = await start(target, clock);
    for (let i = 0; i < 4; i++) {
      if (i > 0) await clock.advance(INTERVAL);
      const expected = kubeTime(t0 + i * INTERVAL);
      await waitFor(async () => (await read(name)).status?.lastSyncerHeartbeatTime === expected, `beat ${i}`);
      await waitFor(() => heartbeat.heartbeatCount() === i + 1, `beat ${i} recorded`);
    }
    const after = await read(name);
    expect(after.metadata.uid).toBe(target.metadata.uid);
    expect(after.spec).toEqual(target.spec);
    // Status writes never bump generation.
    expect(after.metadata.generation).toBe(target.metadata.generation);
  });

  it('keeps one beat per period while a flood of writes competes for the same server', async () => {
    const name = `st-${++seq}`;
    const target = await createSyncTarget(name, { conditions: [] });
    await admin.client.create(gvr('', 'v1', 'namespaces'), { metadata: { name: 'flood' } });
    const clock = new ManualClock();
    const t0 = clock.now();
    const heartbeat = await start(target, clock);
    let stop = false;
    let written = 0;
    const writer = async (w: number) => {
      for (let i = 0; !stop; i++) {
        const cm: KubeObject = {
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: { name: `cm-${w}-${i}` },
          data: { i: `${i}` },
        };
        await admin.client.create(configmaps, cm, { namespace: 'flood' });
        written++;
      }
    };
    const writers = Array.from({ length: 8 }, (_, w) => writer(w));
    try {
      for (let i = 0; i < 5; i++) {
        if (i > 0) await clock.advance(INTERVAL);
        const expected = kubeTime(t0 + i * INTERVAL);
        await waitFor(
          async () => (await read(name)).status?.lastSyncerHeartbeatTime === expected,
          `beat ${i}`,
        );
      }
    } finally {
      stop = true;
      await Promise.all(writers);
    }
    expect(written).toBeGreaterThan(0);
    expect(heartbeat.heartbeatCount()).toBe(5);
    expect(heartbeat.consecutiveFailures()).toBe(0);
  });

  it('adds status when the SyncTarget has none, and keeps conditions others wrote', async () => {
    const name = `st-${++seq}`;
    const target = await createSyncTarget(name);
    const clock = new ManualClock();
    const heartbeat = await start(target, clock);
    await waitFor(() => heartbeat.heartbeatCount() === 1, 'first beat');
    const foreign = {
      type: 'APIImporterReady',
      status: 'True' as const,
      lastTransitionTime: '2024-01-01T00:00:00Z',
    };
    const current = await read(name);
    await admin.client.updateStatus(SYNC_TARGET_GVR, {
      ...current,
      status: { ...current.status, conditions: [...(current.status?.conditions ?? []), foreign] },
    });
    await heartbeat.setCondition({ type: 'SyncerAuthorized', status: 'True' });
    const conditions = (await read(name)).status?.conditions ?? [];
    expect(findCondition(conditions, 'APIImporterReady')).toEqual(foreign);
    expect(findCondition(conditions, 'SyncerAuthorized')?.status).toBe('True');
    // kcp sets Ready and HeartbeatHealthy, never the syncer (ground-truth/go-syncer/synctarget.json).
    expect(findCondition(conditions, 'HeartbeatHealthy')).toBeUndefined();
    expect(findCondition(conditions, 'Ready')).toBeUndefined();
  });

  it('reports a SyncTarget re-created under the same name: the uid test fails with 422', async () => {
    const name = `st-${++seq}`;
    const target = await createSyncTarget(name, {});
    const clock = new ManualClock();
    const heartbeat = await start(target, clock);
    await waitFor(() => heartbeat.heartbeatCount() === 1, 'first beat');
    await admin.client.delete(SYNC_TARGET_GVR, { name });
    await waitFor(async () => {
      try {
        await read(name);
        return false;
      } catch {
        return true;
      }
    }, 'deletion');
    const replacement = await createSyncTarget(name, {});
    expect(replacement.metadata.uid).not.toBe(target.metadata.uid);
    await clock.advance(INTERVAL);
    const error = await waitFor(() => heartbeat.lastError(), 'a reported failure');
    expect(error.type).toBe('Invalid');
    expect(error.status).toBe(422);
    expect((await read(name)).status?.lastSyncerHeartbeatTime).toBeUndefined();
    // It keeps retrying every second, and recovers if the old uid comes back (it never does here).
    await clock.advance(1_000);
    await waitFor(() => heartbeat.consecutiveFailures() >= 2, 'a retry');
  });

  it('retries through injected 503s until the server accepts a beat', async () => {
    const name = `st-${++seq}`;
    const target = await createSyncTarget(name, {});
    sim.faults.addRule({
      verb: 'patch',
      resource: 'synctargets.workload.kcp.io',
      status: 503,
      rate: 1,
      retryAfterSeconds: 1,
    });
    const clock = new ManualClock();
    const t0 = clock.now();
    const heartbeat = await start(target, clock);
    await waitFor(() => heartbeat.consecutiveFailures() === 1, 'first failure');
    await clock.advance(1_000);
    await waitFor(() => heartbeat.consecutiveFailures() === 2, 'second failure');
    sim.faults.clearRules();
    await clock.advance(1_000);
    await waitFor(() => heartbeat.heartbeatCount() === 1, 'recovery');
    expect((await read(name)).status?.lastSyncerHeartbeatTime).toBe(kubeTime(t0 + 2_000));
  });

  it('makes one attempt per beat: the first beat after an outage comes on its own retry interval', async () => {
    const name = `st-${++seq}`;
    const target = await createSyncTarget(name, {});
    // A client that would retry a refused connection itself, 10 s apart: the beat must not wait for it.
    const patient = simClient(sim.kubeconfig, { retries: 5, baseDelayMs: 10_000 });
    try {
      // Discovery done before the outage, as in the agent (it resolves the SyncTarget at start).
      await patient.client.get(SYNC_TARGET_GVR, { name });
      await sim.faults.partition('refuse');
      const clock = new ManualClock();
      const heartbeat = await start(target, clock, patient.client);
      await waitFor(() => heartbeat.consecutiveFailures() === 1, 'a refused beat, reported at once');
      expect(heartbeat.lastError()?.type).toBe('ClusterUnreachable');
      await sim.faults.heal();
      await clock.advance(1_000);
      await waitFor(() => heartbeat.heartbeatCount() === 1, 'the beat one retry interval after the heal');
    } finally {
      await sim.faults.heal();
      await patient.close();
    }
  });
});

describe('SyncTargetHeartbeat against the simulator in kcp mode', () => {
  let kcp: KubeSimulator;
  let base: SimClient;
  const workspace = 'root:org:ws';

  beforeAll(async () => {
    kcp = await startKubeSimulator({ token: 'heartbeat-kcp', kcp: { clusters: [workspace, 'root:other'] } });
    // The agent's upstream client sits on the bare server and names the logical cluster per request.
    base = simClient(kcp.kubeconfig, { context: 'base', discoveryCluster: 'root', retries: 0 });
  });
  afterAll(async () => {
    await base?.close();
    await kcp?.stop();
  });

  it('addresses the SyncTarget under /clusters/<its logical cluster>, leaving a same-named one elsewhere alone', async () => {
    const create = (cluster: string) =>
      base.client.create(
        SYNC_TARGET_GVR,
        { apiVersion: 'workload.kcp.io/v1alpha1', kind: 'SyncTarget', metadata: { name: 'edge' } },
        { cluster },
      ) as Promise<SyncTarget>;
    const mine = await create(workspace);
    await create('root:other');
    const clock = new ManualClock();
    const ref: SyncTargetRef = { cluster: workspace, name: 'edge', uid: mine.metadata.uid ?? '', key: 'k' };
    reporter = new SyncTargetHeartbeat(base.client, ref, { periodMs: PERIOD }, clock);
    reporter.start();
    await clock.advance(0);
    const heartbeat = reporter;
    await waitFor(() => heartbeat.heartbeatCount() === 1, 'first beat');
    const readIn = async (cluster: string) =>
      (await base.client.get(SYNC_TARGET_GVR, { cluster, name: 'edge' })) as SyncTarget;
    const beaten = await readIn(workspace);
    expect(beaten.status?.lastSyncerHeartbeatTime).toBe(kubeTime(clock.now()));
    // The status kcp wrote (the virtual workspace URLs) is kept: the heartbeat only adds its field.
    expect(beaten.status?.virtualWorkspaces?.[0]?.syncerURL).toContain(`/services/syncer/${workspace}/edge/`);
    expect((await readIn('root:other')).status?.lastSyncerHeartbeatTime).toBeUndefined();
  });
});
