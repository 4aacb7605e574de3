// Restarting our agent on real kcp v0.11 (SIGTERM, then the same generated arguments): kcp's Go syncer adopts
// what it synced before, and so must we. Nothing downstream may be deleted or recreated by the restart (found
// by the differential suite's "syncer restart" scenario: Services, ConfigMaps and Secrets came back with new
// uids). The cause was upstream: the agent deleted its APIResourceImports on stop, so kcp unscheduled the
// SyncTarget and set `deletion.internal.workload.kcp.io/<key>` on every synced object; the restarted agent
// then did what kcp asked. The Go syncer exits before its importer's clean-up, so its imports survive.
import { copyFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { downstreamNamespace, type KcpWorld, settle, startKcpWorld, whileRunning } from '@kcp-tmc/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, realKcpRuns, settledSince } from './kcp-real-support.js';
import { waitFor } from './support.js';

const canRun = await realKcpRuns('the real-kcp restart suite');

type Versions = Record<string, string>;

const NAMESPACES = ['default', 'demo'];
const KINDS = [
  '/apis/apps/v1/NS/deployments',
  '/api/v1/NS/services',
  '/api/v1/NS/configmaps',
  '/api/v1/NS/secrets',
  '/api/v1/NS/serviceaccounts',
];

/** uid of every object the syncer writes in the downstream namespaces of `NAMESPACES`, keyed by kind/name. */
async function downstreamUids(world: KcpWorld): Promise<Versions> {
  const out: Versions = {};
  for (const upstream of NAMESPACES) {
    const namespace = await downstreamNamespace(world, upstream);
    if (namespace === undefined) continue;
    for (const path of KINDS) {
      const answer = await world.down('GET', path.replace('NS', `namespaces/${namespace}`));
      const body = answer.body as {
        kind: string;
        items?: Array<{ metadata: { name: string; uid: string } }>;
      };
      for (const item of body.items ?? []) {
        // The token secret's random suffix stays the same unless it is recreated; the uid tells either way.
        out[`${upstream}/${body.kind.replace(/List$/, '')}/${item.metadata.name}`] = item.metadata.uid;
      }
    }
  }
  return out;
}

/** uid of every APIResourceImport in the SyncTarget's workspace, by name. */
async function apiResourceImports(world: KcpWorld): Promise<Versions> {
  const answer = await world.up('GET', '/apis/apiresource.kcp.io/v1alpha1/apiresourceimports');
  const items = (answer.body as { items?: Array<{ metadata: { name: string; uid: string } }> }).items ?? [];
  return Object.fromEntries(items.map((item) => [item.metadata.name, item.metadata.uid]));
}

describe.runIf(canRun)('restart of our agent on real kcp', () => {
  let world: KcpWorld;
  let before: Versions;
  let importsBefore: Versions;
  let restartedAt = 0;

  beforeAll(async () => {
    world = await startKcpWorld('agent', {
      workloadSyncArgs: ['--downstream-namespace-clean-delay=5s'],
      // Every request in the logs kept below: which object was deleted, and why, shows there.
      syncerArgs: ['--v=6'],
    });
    await createApp(world, 'demo');
    await whileRunning(
      () => world.syncer,
      waitFor(
        async () => {
          const ns = await downstreamNamespace(world, 'demo');
          if (ns === undefined) return false;
          for (const path of ['services/web', 'configmaps/app-config', 'secrets/app-secret']) {
            if ((await world.down('GET', `/api/v1/namespaces/${ns}/${path}`)).status !== 200) return false;
          }
          return (await world.down('GET', `/apis/apps/v1/namespaces/${ns}/deployments/web`)).status === 200;
        },
        'the app synced down by the agent',
        120_000,
      ),
    );
    await whileRunning(() => world.syncer, settle(world));
    before = await downstreamUids(world);
    importsBefore = await apiResourceImports(world);
    restartedAt = Date.now();
    await world.startSyncer('agent');
  }, 600_000);

  afterAll(async () => {
    // Keep the logs of both runs for whoever reads a failure.
    if (world === undefined) return;
    for (const name of readdirSync(world.kcp.dir).filter((n) => n.startsWith('syncer-'))) {
      copyFileSync(join(world.kcp.dir, name), join(tmpdir(), `kcp-restart-${name}`));
    }
    await world.stop();
  }, 60_000);

  it('deletes and recreates nothing downstream', async () => {
    await settledSince(world, restartedAt, 'a heartbeat after the restart');
    const after = await downstreamUids(world);
    expect(Object.keys(before)).toEqual(
      expect.arrayContaining(['demo/Service/web', 'demo/ConfigMap/app-config']),
    );
    const recreated = Object.keys(before).filter((k) => after[k] !== undefined && after[k] !== before[k]);
    const deleted = Object.keys(before).filter((k) => after[k] === undefined);
    expect({ recreated, deleted }).toEqual({ recreated: [], deleted: [] });
    // The same imports, never deleted in between: the SyncTarget stayed scheduled.
    expect(Object.keys(importsBefore).sort()).toEqual(['deployments.phys.v1.apps', 'services.phys.v1.core']);
    expect(await apiResourceImports(world)).toEqual(importsBefore);
  }, 300_000);
});
