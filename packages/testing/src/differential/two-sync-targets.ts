import { bindCompute } from '../real/kcp-workload.js';
import type { AddedSyncTarget, KcpWorld } from '../real/kcp-world.js';
import { waitForNamespaceState } from '../real/kcp-world.js';
import { waitFor } from '../real/process.js';
import { app } from './app.js';
import type { Scenario } from './scenarios.js';
import { downstreamNamespace, settle } from './scenarios.js';

/** The label by which the added SyncTarget's Location is selected (ours, not kcp's). */
export const LOCATION_LABEL = 'kcp-tmc.io/sync-target';

/**
 * Places the world's namespaces on a second SyncTarget as well, the way kcp v0.11 does it: a Placement selects ONE
 * Location and kcp schedules it on ONE SyncTarget of that Location (pkg/reconciler/scheduling/placement,
 * pkg/reconciler/workload/placement), and a namespace gets `state.workload.kcp.io/<key>=Sync` for the SyncTarget of
 * every Placement that selects it (pkg/reconciler/workload/namespace). The world's first Placement keeps the
 * `default` Location (every SyncTarget) and its SyncTarget; a Location holding only the added SyncTarget (selected
 * by its key label) and a second Placement that selects only that Location add the second SyncTarget.
 */
export async function placeOnAddedSyncTarget(world: KcpWorld, target: AddedSyncTarget): Promise<void> {
  const name = target.generated.syncTargetName;
  const location = await world.up('POST', '/apis/scheduling.kcp.io/v1alpha1/locations', {
    apiVersion: 'scheduling.kcp.io/v1alpha1',
    kind: 'Location',
    metadata: { name, labels: { [LOCATION_LABEL]: name } },
    spec: {
      resource: { group: 'workload.kcp.io', version: 'v1alpha1', resource: 'synctargets' },
      instanceSelector: { matchLabels: { 'internal.workload.kcp.io/key': target.syncTargetKey } },
    },
  });
  if (location.status !== 201) {
    throw new Error(`creating Location ${name}: HTTP ${location.status} ${JSON.stringify(location.body)}`);
  }
  await bindCompute(world.kcp, world.workspace, {
    locationSelectors: [`${LOCATION_LABEL}=${name}`],
    placementName: name,
  });
  await waitForNamespaceState(world.up, 'default', target.syncTargetKey, 'Sync', 60_000);
}

/** The downstream namespace a SyncTarget's syncer made for upstream `namespace` (by its locator). */
export function downstreamNamespaceOf(
  world: KcpWorld,
  syncTargetName: string,
  namespace: string,
): Promise<string | undefined> {
  return downstreamNamespace(world, namespace, syncTargetName);
}

const APP_DOWNSTREAM = [
  '/apis/apps/v1/namespaces/NS/deployments/web',
  '/api/v1/namespaces/NS/services/web',
  '/api/v1/namespaces/NS/configmaps/app-config',
  '/api/v1/namespaces/NS/secrets/app-secret',
];

interface DeploymentView {
  readonly metadata: { generation?: number; annotations?: Record<string, string> };
  readonly spec?: { replicas?: number };
  readonly status?: { observedGeneration?: number };
}

/**
 * The app in `demo`, placed on the world's SyncTarget and on its first added one, then scaled upstream: done when
 * each syncer has the app downstream, the new replicas down, and its view of the Deployment's status (kcp keeps one
 * per SyncTarget in a `diff.syncer.internal.kcp.io/<key>` annotation) at the downstream generation.
 */
export const TWO_SYNC_TARGETS: Scenario = {
  name: 'one namespace on two SyncTargets (app synced and scaled by both syncers)',
  async run(world) {
    const targets = [
      { name: world.generated.syncTargetName, key: world.syncTargetKey },
      ...world.addedSyncTargets.map((t) => ({ name: t.generated.syncTargetName, key: t.syncTargetKey })),
    ];
    if (targets.length < 2) throw new Error('scenario: the world needs an added SyncTarget');
    for (const object of app('demo')) {
      const answer = await world.up('POST', object.path, object.body);
      if (answer.status !== 201) throw new Error(`POST ${object.path}: HTTP ${answer.status}`);
    }
    // Synced down, and each syncer's status view back upstream at the downstream generation.
    const synced = (replicas: number) => async (down: string, key: string) => {
      for (const path of APP_DOWNSTREAM) {
        if ((await world.down('GET', path.replace('NS', down))).status !== 200) return false;
      }
      const deployment = await world.down('GET', `/apis/apps/v1/namespaces/${down}/deployments/web`);
      const downstream = deployment.body as DeploymentView;
      const upstream = (await world.up('GET', '/apis/apps/v1/namespaces/demo/deployments/web'))
        .body as DeploymentView;
      const view = upstream.metadata.annotations?.[`${SYNCER_VIEW}${key}`];
      const viewed = view ? (JSON.parse(view) as DeploymentView).status?.observedGeneration : undefined;
      return downstream.spec?.replicas === replicas && viewed === downstream.metadata.generation;
    };
    await untilEachTarget(world, targets, 'app synced down', synced(1));
    await patchUp(world, '/apis/apps/v1/namespaces/demo/deployments/web', { spec: { replicas: 2 } });
    await untilEachTarget(world, targets, 'scaled to 2', synced(2));
    await settle(world);
    const { metadata, status } = (await world.up('GET', '/apis/apps/v1/namespaces/demo/deployments/web'))
      .body as DeploymentView & { metadata: { labels?: Record<string, string> } };
    // What kcp made of two syncers' status for one upstream object, compared between the two runs.
    return {
      observed: {
        stateLabels: Object.keys(metadata.labels ?? {}).filter((k) => k.startsWith('state.workload.kcp.io/'))
          .length,
        syncerViewAnnotations: Object.keys(metadata.annotations ?? {}).filter((k) =>
          k.startsWith(SYNCER_VIEW),
        ).length,
        upstreamStatus: status !== undefined,
      },
    };
  },
};

const SYNCER_VIEW = 'diff.syncer.internal.kcp.io/';

/** Waits (3 minutes at most) until `check` holds for the downstream namespace of `demo` of every SyncTarget. */
async function untilEachTarget(
  world: KcpWorld,
  targets: ReadonlyArray<{ readonly name: string; readonly key: string }>,
  what: string,
  check: (down: string, key: string) => Promise<boolean>,
): Promise<void> {
  const missing = new Set(targets);
  const done = await waitFor(
    async () => {
      for (const target of [...missing]) {
        const down = await downstreamNamespaceOf(world, target.name, 'demo');
        if (down !== undefined && (await check(down, target.key))) missing.delete(target);
      }
      return missing.size === 0 ? true : undefined;
    },
    Date.now() + 3 * 60_000,
    500,
  );
  if (done !== true) {
    throw new Error(
      `scenario: ${what} not reached for ${[...missing].map((t) => t.name).join(', ')} in 180 s`,
    );
  }
}

async function patchUp(world: KcpWorld, path: string, body: unknown): Promise<void> {
  const answer = await world.up('PATCH', path, body, 'application/merge-patch+json');
  if (answer.status !== 200)
    throw new Error(`PATCH ${path}: HTTP ${answer.status} ${JSON.stringify(answer.body)}`);
}
