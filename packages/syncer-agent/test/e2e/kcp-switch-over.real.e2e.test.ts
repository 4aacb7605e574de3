// Switching syncers: kcp's Go syncer syncs an app on real kcp v0.11 and is killed; our agent takes over the same
// SyncTarget with the same generated arguments. Nothing downstream may be deleted, recreated or restarted (a new
// ReplicaSet would mean a different pod template, so new pods), and status must keep flowing up.
import { downstreamNamespace, type KcpWorld, startKcpWorld, whileRunning } from '@kcp-tmc/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, realKcpRuns, settledSince } from './kcp-real-support.js';
import { waitFor } from './support.js';

const canRun = await realKcpRuns('the real-kcp switch-over suite');

type Versions = Record<string, { uid: string; rv: string }>;

/** uid and resourceVersion of every object in the downstream namespace, pods and ReplicaSets included. */
async function downstreamObjects(world: KcpWorld, namespace: string): Promise<Versions> {
  const out: Versions = {};
  for (const path of [
    '/apis/apps/v1/NS/deployments',
    '/apis/apps/v1/NS/replicasets',
    '/api/v1/NS/pods',
    '/api/v1/NS/services',
    '/api/v1/NS/configmaps',
    '/api/v1/NS/secrets',
  ]) {
    const answer = await world.down('GET', path.replace('NS', `namespaces/${namespace}`));
    const body = answer.body as {
      kind: string;
      items: Array<{ metadata: { name: string; uid: string; resourceVersion: string } }>;
    };
    for (const item of body.items ?? []) {
      out[`${body.kind.replace(/List$/, '')}/${item.metadata.name}`] = {
        uid: item.metadata.uid,
        rv: item.metadata.resourceVersion,
      };
    }
  }
  return out;
}

async function statusObserved(world: KcpWorld): Promise<boolean> {
  const deploy = await world.up('GET', '/apis/apps/v1/namespaces/demo/deployments/web');
  const d = deploy.body as { metadata: { generation: number }; status?: { observedGeneration?: number } };
  return d.status?.observedGeneration === d.metadata.generation;
}

describe.runIf(canRun)("switch-over: our agent takes a SyncTarget over from kcp's Go syncer", () => {
  let world: KcpWorld;
  let before: Versions;
  let down: string;
  let handedOverAt = 0;

  beforeAll(async () => {
    world = await startKcpWorld('go', { workloadSyncArgs: ['--downstream-namespace-clean-delay=5s'] });
    await createApp(world, 'demo');
    await waitFor(
      async () => {
        const ns = await downstreamNamespace(world, 'demo');
        if (ns === undefined || !(await statusObserved(world))) return false;
        const pods = await world.down('GET', `/api/v1/namespaces/${ns}/pods`);
        return (pods.body as { items: unknown[] }).items.length > 0;
      },
      'the Go syncer syncing the app (pods created downstream, status upstream)',
      120_000,
    );
    down = (await downstreamNamespace(world, 'demo')) ?? '';
    before = await downstreamObjects(world, down);
    handedOverAt = Date.now();
    // kcp's Go syncer deletes its APIResourceImports on SIGTERM when its importer gets there before the process
    // exits, and kcp then unschedules and recreates everything (see the README); a SIGKILL hands over cleanly.
    await world.stopSyncer('SIGKILL');
    await world.startSyncer('agent');
  }, 600_000);

  afterAll(async () => {
    await world?.stop();
  }, 60_000);

  it('deletes, recreates and restarts nothing downstream', async () => {
    // The agent's first heartbeat shows it is up; then give its initial sync a condition to finish on.
    await settledSince(world, handedOverAt, "the agent's first heartbeat");
    const after = await downstreamObjects(world, down);
    const changed = Object.keys(before).filter((k) => after[k]?.uid !== before[k]?.uid);
    const added = Object.keys(after).filter((k) => before[k] === undefined);
    expect({ deletedOrRecreated: changed, added }).toEqual({ deletedOrRecreated: [], added: [] });
  }, 300_000);

  it('keeps status flowing up after a spec change', async () => {
    const patched = await world.up(
      'PATCH',
      '/apis/apps/v1/namespaces/demo/deployments/web',
      { spec: { replicas: 2 } },
      'application/merge-patch+json',
    );
    expect(patched.status).toBe(200);
    await whileRunning(
      () => world.syncer,
      waitFor(() => statusObserved(world), 'status of the new generation', 120_000),
    );
  }, 300_000);
});
