import type { KcpWorld } from '../real/kcp-world.js';
import { waitFor } from '../real/process.js';
import type { Scenario } from './scenarios.js';

/** An object as the upsync suites read it back. */
export interface Upsynced {
  metadata: {
    name: string;
    uid?: string;
    resourceVersion?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    finalizers?: string[];
    deletionTimestamp?: string;
  };
  spec?: Record<string, unknown>;
  status?: { phase?: string; [field: string]: unknown };
}

/** What kcp's upsyncer VW serves once the SyncTarget syncs it, and a kube 1.35 downstream's schema lets kcp accept. */
export const UPSYNC_RESOURCES = ['persistentvolumes'] as const;

/**
 * kcp's upsyncer takes what its downstream informers see (the ownership label `internal.workload.kcp.io/cluster`)
 * and what is labelled `state.workload.kcp.io/<key>=Upsync` (pkg/syncer/upsync/upsync_controller.go); upstream,
 * only the second stays (prepareResourceForUpstream).
 */
export function upsyncLabels(key: string, downstream: boolean): Record<string, string> {
  return {
    ...(downstream ? { 'internal.workload.kcp.io/cluster': key } : {}),
    [`state.workload.kcp.io/${key}`]: 'Upsync',
  };
}

/**
 * A PersistentVolume made downstream for upsync: cluster-scoped, so it carries the namespace locator itself, with
 * an empty namespace (pkg/syncer/shared/namespace.go); the spec is kcp's own e2e volume (test/e2e/syncer).
 */
export function upsyncedVolume(world: KcpWorld, name: string): Upsynced & Record<string, unknown> {
  const locator = {
    syncTarget: {
      cluster: world.generated.syncTargetCluster,
      name: world.generated.syncTargetName,
      uid: world.generated.syncTargetUid,
    },
    cluster: world.workspace.cluster,
    namespace: '',
  };
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolume',
    metadata: {
      name,
      labels: upsyncLabels(world.syncTargetKey, true),
      annotations: { 'kcp.io/namespace-locator': JSON.stringify(locator) },
    },
    spec: {
      accessModes: ['ReadWriteOnce'],
      capacity: { storage: '1Gi' },
      nfs: { path: '/tmp', server: '127.0.0.1' },
      storageClassName: 'standard',
      volumeMode: 'Filesystem',
    },
  };
}

/** Writes a downstream volume's phase through /status, as its controller would (none runs downstream here). */
export async function setVolumePhase(world: KcpWorld, name: string, phase: string): Promise<Upsynced> {
  const current = (await world.down('GET', `/api/v1/persistentvolumes/${name}`)).body as Upsynced;
  const answer = await world.down('PUT', `/api/v1/persistentvolumes/${name}/status`, {
    ...current,
    status: { phase },
  });
  if (answer.status !== 200) throw new Error(`PUT ${name}/status: HTTP ${answer.status}`);
  return answer.body as Upsynced;
}

/** Deletes a downstream volume and ends the deletion as the pv-protection controller does for an unused one. */
export async function deleteVolume(world: KcpWorld, name: string): Promise<void> {
  const deleted = await world.down('DELETE', `/api/v1/persistentvolumes/${name}`);
  if (deleted.status !== 200) throw new Error(`DELETE ${name}: HTTP ${deleted.status}`);
  const path = `/api/v1/persistentvolumes/${name}`;
  const patched = await world.down(
    'PATCH',
    path,
    { metadata: { finalizers: null } },
    'application/merge-patch+json',
  );
  if (patched.status !== 200 && patched.status !== 404)
    throw new Error(`PATCH ${name}: HTTP ${patched.status}`);
}

export async function upstreamVolume(world: KcpWorld, name: string): Promise<Upsynced | undefined> {
  const answer = await world.up('GET', `/api/v1/persistentvolumes/${name}`);
  return answer.status === 200 ? (answer.body as Upsynced) : undefined;
}

async function until(what: string, check: () => Promise<boolean>): Promise<void> {
  const done = await waitFor(async () => ((await check()) ? true : undefined), Date.now() + 60_000, 250);
  if (done !== true) throw new Error(`timed out waiting for ${what}`);
}

/** The upsync scenarios: a volume made downstream goes up with its status, then goes when deleted downstream. */
export const UPSYNC_SCENARIOS: readonly Scenario[] = [
  {
    name: 'upsync (a persistent volume created downstream, with status)',
    async run(world) {
      const created = await world.down('POST', '/api/v1/persistentvolumes', upsyncedVolume(world, 'pv-up'));
      if (created.status !== 201) throw new Error(`POST pv-up: HTTP ${created.status}`);
      const available = await setVolumePhase(world, 'pv-up', 'Available');
      await until('pv-up upstream with its status', async () => {
        const up = await upstreamVolume(world, 'pv-up');
        return up?.metadata.annotations?.['workload.kcp.io/rv'] === available.metadata.resourceVersion;
      });
      // The dump holds both copies; `workload.kcp.io/rv` was just checked against the downstream's version.
      return {};
    },
  },
  {
    name: 'upsynced volume deleted downstream',
    async run(world) {
      await deleteVolume(world, 'pv-up');
      await until('pv-up gone on both sides', async () => {
        const down = await world.down('GET', '/api/v1/persistentvolumes/pv-up');
        return down.status === 404 && (await upstreamVolume(world, 'pv-up')) === undefined;
      });
      return {};
    },
  },
];
