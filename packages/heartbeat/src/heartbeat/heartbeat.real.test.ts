import { gvr, kubeTime, SYNC_TARGET_GVR, type SyncTarget, type SyncTargetRef } from '@kcp-tmc/interfaces';
import {
  RealApiserverUnavailableError,
  type RealKubeApiserver,
  startRealKubeApiserver,
} from '@kcp-tmc/testing';
import { ManualClock } from '@kcp-tmc/testing/kit';
import { afterAll, afterEach, beforeAll, describe, expect, it, type TestContext } from 'vitest';
import { type SimClient, simClient } from '../../test/support/sim-client.js';
import { waitFor } from '../../test/support/wait-for.js';
import { findCondition } from './conditions.js';
import { heartbeatIntervalMs, SyncTargetHeartbeat } from './heartbeat.js';

// The same checks as heartbeat.sim.test.ts, against a real kube-apiserver serving SyncTarget as a CRD with a
// status subresource, as kcp does. Skipped where the binaries cannot be had.
const START_TIMEOUT_MS = 45 * 60_000;
const PERIOD = 20_000;
/** How far apart beats are due for PERIOD (19 s). */
const INTERVAL = heartbeatIntervalMs(PERIOD);
const crds = gvr('apiextensions.k8s.io', 'v1', 'customresourcedefinitions');
const open = { type: 'object', 'x-kubernetes-preserve-unknown-fields': true };

let server: RealKubeApiserver | undefined;
let unavailable: string | undefined;
let admin: SimClient;
let agent: SimClient;
let reporter: SyncTargetHeartbeat | undefined;

beforeAll(async () => {
  try {
    server = await startRealKubeApiserver();
  } catch (error) {
    if (!(error instanceof RealApiserverUnavailableError)) throw error;
    unavailable = `real kube-apiserver unavailable (${error.reason}): ${error.message}`;
    return;
  }
  admin = simClient(server.kubeconfig);
  agent = simClient(server.kubeconfig, { retries: 0 });
  await admin.client.create(crds, {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: 'synctargets.workload.kcp.io' },
    spec: {
      group: 'workload.kcp.io',
      scope: 'Cluster',
      names: {
        plural: 'synctargets',
        singular: 'synctarget',
        kind: 'SyncTarget',
        listKind: 'SyncTargetList',
      },
      versions: [
        {
          name: 'v1alpha1',
          served: true,
          storage: true,
          subresources: { status: {} },
          schema: { openAPIV3Schema: { type: 'object', properties: { spec: open, status: open } } },
        },
      ],
    },
  });
  await waitFor(
    async () => {
      const crd = (await admin.client.get(crds, { name: 'synctargets.workload.kcp.io' })) as {
        status?: { conditions?: Array<{ type: string; status: string }> };
      };
      return crd.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True');
    },
    'the SyncTarget CRD to be established',
    60_000,
  );
  // Discovery of a fresh CRD lags its Established condition a little.
  await waitFor(
    async () => (await admin.client.list(SYNC_TARGET_GVR)).items,
    'SyncTargets to be served',
    60_000,
  );
}, START_TIMEOUT_MS);

afterAll(async () => {
  await admin?.close();
  await agent?.close();
  await server?.stop();
});
afterEach(async () => {
  await reporter?.stop();
  reporter = undefined;
});

function started(ctx: TestContext): void {
  if (server === undefined) ctx.skip(unavailable ?? 'real kube-apiserver did not start');
}

let seq = 0;
async function createSyncTarget(): Promise<SyncTarget> {
  return (await admin.client.create(SYNC_TARGET_GVR, {
    apiVersion: 'workload.kcp.io/v1alpha1',
    kind: 'SyncTarget',
    metadata: { name: `real-${++seq}` },
    spec: { unschedulable: false },
  })) as SyncTarget;
}

async function start(target: SyncTarget, clock: ManualClock): Promise<SyncTargetHeartbeat> {
  const ref: SyncTargetRef = {
    cluster: 'plain',
    name: target.metadata.name ?? '',
    uid: target.metadata.uid ?? '',
    key: 'k',
  };
  reporter = new SyncTargetHeartbeat(agent.client, ref, { periodMs: PERIOD, clusterScoped: false }, clock);
  reporter.start();
  await clock.advance(0);
  return reporter;
}

const read = async (name: string) => (await admin.client.get(SYNC_TARGET_GVR, { name })) as SyncTarget;

describe('SyncTargetHeartbeat against a real kube-apiserver', () => {
  it('status sent to the main endpoint is dropped: the reason the heartbeat patches /status', async (ctx) => {
    started(ctx);
    const target = await createSyncTarget();
    const patched = (await admin.client.patch(
      SYNC_TARGET_GVR,
      { name: target.metadata.name ?? '' },
      'merge',
      {
        status: { lastSyncerHeartbeatTime: '2025-01-01T00:00:00Z' },
      },
    )) as SyncTarget;
    expect(patched.status?.lastSyncerHeartbeatTime).toBeUndefined();
  });

  it('adds status, then replaces the time once per period; conditions round-trip', async (ctx) => {
    started(ctx);
    const target = await createSyncTarget();
    const name = target.metadata.name ?? '';
    const clock = new ManualClock();
    const t0 = clock.now();
    const heartbeat = await start(target, clock);
    for (let i = 0; i < 3; i++) {
      if (i > 0) await clock.advance(INTERVAL);
      await waitFor(() => heartbeat.heartbeatCount() === i + 1, `beat ${i}`);
      expect((await read(name)).status?.lastSyncerHeartbeatTime).toBe(kubeTime(t0 + i * INTERVAL));
    }
    await heartbeat.setCondition({ type: 'SyncerAuthorized', status: 'True' });
    const after = await read(name);
    expect(findCondition(after.status?.conditions, 'SyncerAuthorized')?.status).toBe('True');
    expect(findCondition(after.status?.conditions, 'Ready')).toBeUndefined();
    expect(after.metadata.generation).toBe(target.metadata.generation);
  });

  it('a SyncTarget re-created under the same name fails the uid test with 422', async (ctx) => {
    started(ctx);
    const target = await createSyncTarget();
    const name = target.metadata.name ?? '';
    const clock = new ManualClock();
    const heartbeat = await start(target, clock);
    await waitFor(() => heartbeat.heartbeatCount() === 1, 'first beat');
    await admin.client.delete(SYNC_TARGET_GVR, { name });
    await waitFor(
      async () => (await admin.client.list(SYNC_TARGET_GVR)).items.every((i) => i.metadata.name !== name),
      'deletion',
    );
    await admin.client.create(SYNC_TARGET_GVR, {
      apiVersion: 'workload.kcp.io/v1alpha1',
      kind: 'SyncTarget',
      metadata: { name },
    });
    await clock.advance(INTERVAL);
    const error = await waitFor(() => heartbeat.lastError(), 'a reported failure');
    expect(error).toMatchObject({ type: 'Invalid', status: 422 });
    expect((await read(name)).status?.lastSyncerHeartbeatTime).toBeUndefined();
  });
});
