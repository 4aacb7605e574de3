import type { KcpWorld } from '../real/kcp-world.js';
import { waitFor } from '../real/process.js';
import { type AppObject, app } from './app.js';
import { dumpState } from './dump.js';
import { acceptedResources, importNames, namespacesPlaced } from './kcp-placement.js';
import { normalizeDump, runSubstitutions } from './normalize.js';
import { UPSYNC_SCENARIOS } from './upsync.js';

/** Downstream objects a syncer restart deleted, recreated (new uid) or rewrote (new resourceVersion). */
export interface Churn {
  readonly recreated: readonly string[];
  readonly deleted: readonly string[];
  readonly rewritten: readonly string[];
  /** APIResourceImports the stopped syncer deleted on its way out. */
  readonly lostImports: readonly string[];
}

/** What a scenario saw besides the state dump. */
export interface ScenarioResult {
  /** Compared between the two syncers like the dump. */
  readonly observed?: Readonly<Record<string, unknown>>;
  /** Reported, not compared: what kcp itself does around a restart varies from run to run. */
  readonly churn?: Churn;
}

/**
 * One step of the differential suite. Scenarios run in order on one world (the state carries over), each acting
 * as a user would and then waiting, with a deadline, for an outcome any correct syncer reaches.
 */
export interface Scenario {
  readonly name: string;
  run(world: KcpWorld): Promise<ScenarioResult>;
}

/** The upstream namespaces the scenarios use and the dumps cover. */
export const SCENARIO_NAMESPACES = ['default', 'demo', 'other'] as const;

const MINUTE = 60_000;

export const SCENARIOS: readonly Scenario[] = [
  {
    name: 'app in two namespaces (Deployment, Service, ConfigMap, Secret)',
    async run(world) {
      for (const namespace of ['demo', 'other']) {
        for (const object of app(namespace)) await create(world, object);
      }
      await appSynced(world, ['demo', 'other'], 'app synced down');
      return {};
    },
  },
  {
    name: 'spec update (replicas, ConfigMap data)',
    async run(world) {
      await patch(world.up, '/apis/apps/v1/namespaces/demo/deployments/web', { spec: { replicas: 2 } });
      await patch(world.up, '/api/v1/namespaces/demo/configmaps/app-config', { data: { greeting: 'hello' } });
      await until('spec update synced and status observed', 2 * MINUTE, async () => {
        const down = await downstreamNamespace(world, 'demo');
        const cm = await world.down('GET', `/api/v1/namespaces/${down}/configmaps/app-config`);
        const deploy = await world.up('GET', '/apis/apps/v1/namespaces/demo/deployments/web');
        const d = deploy.body as {
          metadata: { generation: number };
          status?: { observedGeneration?: number; replicas?: number; updatedReplicas?: number };
        };
        // Observed is not enough: the scale-up's pod counts arrive in later status writes, and a dump taken
        // between them differs by timing alone.
        return (
          (cm.body as { data?: Record<string, string> }).data?.greeting === 'hello' &&
          d.status?.observedGeneration === d.metadata.generation &&
          d.status.replicas === 2 &&
          d.status.updatedReplicas === 2
        );
      });
      return {};
    },
  },
  {
    name: 'downstream drift (a synced ConfigMap edited downstream)',
    async run(world) {
      const down = await downstreamNamespace(world, 'other');
      await patch(world.down, `/api/v1/namespaces/${down}/configmaps/app-config`, {
        data: { greeting: 'drift' },
      });
      await settle(world);
      const cm = await world.down('GET', `/api/v1/namespaces/${down}/configmaps/app-config`);
      return {
        observed: { greetingAfterDrift: (cm.body as { data?: Record<string, string> }).data?.greeting },
      };
    },
  },
  {
    name: 'object deletion (upstream Secret deleted)',
    async run(world) {
      const down = await downstreamNamespace(world, 'demo');
      const paths = [
        '/api/v1/namespaces/demo/secrets/app-secret',
        `/api/v1/namespaces/${down}/secrets/app-secret`,
      ] as const;
      await deleteOnBothSides(world, 'Secret gone on both sides', 2 * MINUTE, paths);
      return {};
    },
  },
  {
    name: 'syncer restart (same SyncTarget, same arguments)',
    async run(world) {
      const before = await downstreamVersions(world);
      const kind = world.syncer?.kind ?? 'agent';
      const accepted = JSON.stringify(await acceptedResources(world));
      const imports = await importNames(world);
      await world.stopSyncer();
      // kcp's Go syncer deletes its APIResourceImports when SIGTERM reaches its importer before it exits (a
      // race). kcp then drops those resources from the SyncTarget and unschedules its namespaces, within a
      // second here. Wait for that while no syncer runs, so that the restarted syncer is judged after kcp's whole
      // round trip and never in the middle of it.
      const kept = new Set(await importNames(world));
      const lostImports = imports.filter((name) => !kept.has(name));
      if (lostImports.length > 0) {
        await until('kcp unscheduled the namespaces after losing imports', MINUTE, () =>
          namespacesPlaced(world, ['demo', 'other'], false),
        );
      }
      const restartedAt = Date.now();
      await world.startSyncer(kind);
      await until('heartbeat after the restart', 2 * MINUTE, async () => {
        const st = await world.up(
          'GET',
          `/apis/workload.kcp.io/v1alpha1/synctargets/${world.generated.syncTargetName}`,
        );
        const beat = (st.body as { status?: { lastSyncerHeartbeatTime?: string } }).status
          ?.lastSyncerHeartbeatTime;
        // Heartbeats carry whole seconds; the first one after the restart is at or after its second.
        return beat !== undefined && Date.parse(beat) >= Math.floor(restartedAt / 1000) * 1000;
      });
      await until(
        'the same resources Accepted after the restart',
        2 * MINUTE,
        async () => JSON.stringify(await acceptedResources(world)) === accepted,
      );
      await until('namespaces placed after the restart', 2 * MINUTE, () =>
        namespacesPlaced(world, ['demo', 'other'], true),
      );
      // Whatever kcp churned while no syncer ran must be back before the state is judged.
      // (demo's app-secret was deleted by the scenario before.)
      await appSynced(world, ['demo', 'other'], 'app back after the restart', APP_PATHS.slice(0, 3));
      await settle(world);
      const after = await downstreamVersions(world);
      const same = (k: string) => after[k]?.uid === before[k]?.uid;
      const churn: Churn = {
        recreated: Object.keys(before).filter((k) => after[k] !== undefined && !same(k)),
        deleted: Object.keys(before).filter((k) => after[k] === undefined),
        rewritten: Object.keys(before).filter((k) => same(k) && after[k]?.rv !== before[k]?.rv),
        lostImports,
      };
      return { churn };
    },
  },
  {
    name: 'upstream namespace deletion',
    async run(world) {
      const down = await downstreamNamespace(world, 'other');
      const paths = ['/api/v1/namespaces/other', `/api/v1/namespaces/${down}`] as const;
      await deleteOnBothSides(world, 'namespace gone upstream and downstream', 3 * MINUTE, paths);
      return {};
    },
  },
  ...UPSYNC_SCENARIOS,
];

const APP_PATHS = [
  (ns: string) => `/apis/apps/v1/namespaces/${ns}/deployments/web`,
  (ns: string) => `/api/v1/namespaces/${ns}/services/web`,
  (ns: string) => `/api/v1/namespaces/${ns}/configmaps/app-config`,
  (ns: string) => `/api/v1/namespaces/${ns}/secrets/app-secret`,
];

/** Waits until the app is downstream in each namespace and its Deployment's status is back upstream. */
async function appSynced(
  world: KcpWorld,
  namespaces: readonly string[],
  what: string,
  paths = APP_PATHS,
): Promise<void> {
  for (const namespace of namespaces) {
    await until(`${what} in ${namespace}`, 2 * MINUTE, async () => {
      const down = await downstreamNamespace(world, namespace);
      if (!down) return false;
      for (const path of paths) {
        if ((await world.down('GET', path(down))).status !== 200) return false;
      }
      return (await observedGeneration(world, namespace)) !== undefined;
    });
  }
}

async function create(world: KcpWorld, object: AppObject): Promise<void> {
  const answer = await world.up('POST', object.path, object.body);
  if (answer.status !== 201 && answer.status !== 409) {
    throw new Error(`POST ${object.path}: HTTP ${answer.status} ${JSON.stringify(answer.body)}`);
  }
}

async function patch(request: KcpWorld['up'], path: string, body: unknown): Promise<void> {
  const answer = await request('PATCH', path, body, 'application/merge-patch+json');
  if (answer.status !== 200)
    throw new Error(`PATCH ${path}: HTTP ${answer.status} ${JSON.stringify(answer.body)}`);
}

/** Deletes `upstreamPath` and waits until it is gone upstream and `downstreamPath` is gone downstream. */
async function deleteOnBothSides(
  world: KcpWorld,
  what: string,
  timeoutMs: number,
  [upstreamPath, downstreamPath]: readonly [string, string],
): Promise<void> {
  await world.up('DELETE', upstreamPath);
  await until(what, timeoutMs, async () => {
    const upstream = await world.up('GET', upstreamPath);
    const downstream = await world.down('GET', downstreamPath);
    return upstream.status === 404 && downstream.status === 404;
  });
}

/**
 * The downstream namespace whose locator names upstream `namespace` (and the SyncTarget `syncTargetName`, when
 * given), if a syncer made one.
 */
export async function downstreamNamespace(
  world: KcpWorld,
  namespace: string,
  syncTargetName?: string,
): Promise<string | undefined> {
  const list = await world.down('GET', '/api/v1/namespaces');
  const items = (
    list.body as { items?: Array<{ metadata: { name: string; annotations?: Record<string, string> } }> }
  ).items;
  return items?.find((ns) => {
    const locator = ns.metadata.annotations?.['kcp.io/namespace-locator'];
    if (locator === undefined) return false;
    const parsed = JSON.parse(locator) as { namespace?: string; syncTarget?: { name?: string } };
    return (
      parsed.namespace === namespace &&
      (syncTargetName === undefined || parsed.syncTarget?.name === syncTargetName)
    );
  })?.metadata.name;
}

async function observedGeneration(world: KcpWorld, namespace: string): Promise<number | undefined> {
  const deploy = await world.up('GET', `/apis/apps/v1/namespaces/${namespace}/deployments/web`);
  return (deploy.body as { status?: { observedGeneration?: number } }).status?.observedGeneration;
}

async function downstreamVersions(world: KcpWorld): Promise<Record<string, { uid: string; rv: string }>> {
  const dump = await dumpState(world, SCENARIO_NAMESPACES);
  // Keyed as in the normalized dump, so the two syncers' observations compare.
  const subs = runSubstitutions(world, dump);
  const out: Record<string, { uid: string; rv: string }> = {};
  for (const [key, object] of Object.entries(dump.objects)) {
    if (!key.startsWith('down|') || key.includes('|ReplicaSet|')) continue;
    const normalized = subs
      .reduce((k, [from, to]) => k.split(from).join(to), key)
      .replace(/-token-[a-z0-9]{5}$/, '-token-*');
    out[normalized] = { uid: String(object.metadata.uid), rv: String(object.metadata.resourceVersion) };
  }
  return out;
}

/** Waits until two normalized dumps taken a second apart are equal: nobody is writing any more (deadline 60 s). */
export async function settle(world: KcpWorld): Promise<void> {
  let previous = '';
  await waitFor(
    async () => {
      const current = JSON.stringify(normalizeDump(world, await dumpState(world, SCENARIO_NAMESPACES)));
      const same = current === previous;
      previous = current;
      return same ? true : undefined;
    },
    Date.now() + MINUTE,
    1_000,
  );
}

async function until(what: string, timeoutMs: number, check: () => Promise<boolean>): Promise<void> {
  const done = await waitFor(async () => ((await check()) ? true : undefined), Date.now() + timeoutMs, 500);
  if (done !== true) throw new Error(`scenario: ${what} not reached within ${timeoutMs / 1000} s`);
}
