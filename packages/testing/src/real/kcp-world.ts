import { type RealKcp, type RealKcpWorkspace, startRealKcp } from './kcp.js';
import { type SyncerKind, type SyncerProcess, startSyncer } from './kcp-syncer.js';
import {
  bindCompute,
  createObjects,
  type GeneratedSyncer,
  KUBERNETES_ENDPOINTS,
  serveDnsEndpoints,
  waitForSyncedResources,
  workloadSync,
} from './kcp-workload.js';
import { type RealKubeApiserver, startRealKubeApiserver } from './kube-apiserver.js';
import { type RealJsonResponse, realRequest } from './plain-upstream.js';
import { waitFor } from './process.js';

export interface KcpWorldOptions {
  /** SyncTarget name. Default `phys`. */
  readonly syncTargetName?: string;
  /** What the syncer imports and kcp then syncs (`--resources`). Default deployments.apps and services. */
  readonly resources?: readonly string[];
  /** More `kubectl kcp workload sync` flags, e.g. `--downstream-namespace-clean-delay=5s`. */
  readonly workloadSyncArgs?: readonly string[];
  /** Arguments appended to the generated ones for every syncer started in this world. */
  readonly syncerArgs?: readonly string[];
  /** More `kcp start` flags, e.g. `--feature-gates=KCPSyncerTunnel=true`. */
  readonly kcpArgs?: readonly string[];
  /** Called with each set-up step and its duration, for the suite's figures. */
  readonly onStep?: (step: string, ms: number) => void;
}

/**
 * Real kcp v0.11 upstream, real kube-apiserver downstream (with the namespace, garbage-collector, deployment and
 * replicaset controllers: Deployment status without kubelets), an organization workspace `root:org`, a SyncTarget
 * made by `kubectl kcp workload sync`, its downstream manifests applied, and compute bound, as a user sets it up.
 */
export interface KcpWorld {
  readonly kcp: RealKcp;
  readonly downstream: RealKubeApiserver;
  readonly workspace: RealKcpWorkspace;
  readonly generated: GeneratedSyncer;
  /** The SyncTarget key (kcp's `internal.workload.kcp.io/key` label on the SyncTarget). */
  readonly syncTargetKey: string;
  /** The syncer running now, if any. */
  readonly syncer: SyncerProcess | undefined;
  /** SyncTargets added after the first by addSyncTarget, each with its own running syncer. */
  readonly addedSyncTargets: readonly AddedSyncTarget[];
  /**
   * Another SyncTarget in the workspace as a user adds one: `kubectl kcp workload sync <name>`, its downstream
   * manifests applied on the same downstream, and a syncer of the world's kind with its own generated arguments;
   * resolves when the SyncTarget's resources are Accepted. Placing namespaces on it is up to the caller.
   */
  addSyncTarget(name: string): Promise<AddedSyncTarget>;
  /** Starts a syncer of either kind with the generated arguments (stops the running one first). */
  startSyncer(kind: SyncerKind, extraArgs?: readonly string[]): Promise<SyncerProcess>;
  /**
   * Stops the running syncer: SIGTERM (then SIGKILL after 10 s) by default, as a pod deletion does; SIGKILL at
   * once skips every clean-up (kcp's Go syncer deletes its APIResourceImports on SIGTERM when its importer gets
   * there before the process exits, which makes kcp unschedule everything the SyncTarget holds).
   */
  stopSyncer(signal?: 'SIGTERM' | 'SIGKILL'): Promise<void>;
  /** A JSON request to the workspace as kcp's admin; `path` is relative to `/clusters/<workspace>`. */
  up(method: string, path: string, body?: unknown, contentType?: string): Promise<RealJsonResponse>;
  /** A JSON request to the downstream as its admin. */
  down(method: string, path: string, body?: unknown, contentType?: string): Promise<RealJsonResponse>;
  stop(): Promise<void>;
}

/** A SyncTarget added to a running world, and the syncer serving it. */
export interface AddedSyncTarget {
  readonly generated: GeneratedSyncer;
  /** kcp's `internal.workload.kcp.io/key` label on the SyncTarget. */
  readonly syncTargetKey: string;
  readonly syncer: SyncerProcess;
}

const DOWNSTREAM_CONTROLLERS = [
  'namespace-controller',
  'garbage-collector-controller',
  'deployment-controller',
  'replicaset-controller',
];

/** Sets up a KcpWorld and starts the first syncer of `kind` in it. */
export async function startKcpWorld(kind: SyncerKind, options: KcpWorldOptions = {}): Promise<KcpWorld> {
  let syncer: SyncerProcess | undefined;
  const step = async <T>(name: string, work: () => Promise<T>): Promise<T> => {
    const started = Date.now();
    const result = await whileRunning(() => syncer, work());
    options.onStep?.(name, Date.now() - started);
    return result;
  };
  const resources = options.resources ?? ['deployments.apps', 'services'];
  const name = options.syncTargetName ?? 'phys';
  const [kcpStart, downstreamStart] = await Promise.allSettled([
    step('kcp start', () => startRealKcp({ args: options.kcpArgs ?? [] })),
    step('downstream start', () =>
      startRealKubeApiserver({ controllerManager: true, controllers: DOWNSTREAM_CONTROLLERS }),
    ),
  ]);
  if (kcpStart.status === 'rejected' || downstreamStart.status === 'rejected') {
    if (kcpStart.status === 'fulfilled') await kcpStart.value.stop();
    if (downstreamStart.status === 'fulfilled') await downstreamStart.value.stop();
    throw kcpStart.status === 'rejected'
      ? kcpStart.reason
      : (downstreamStart as PromiseRejectedResult).reason;
  }
  const kcp = kcpStart.value;
  const downstream = downstreamStart.value;
  let dns: AbortController | undefined;
  const added: AddedSyncTarget[] = [];
  const addedDns = new AbortController();
  const stopSyncer = async (signal: 'SIGTERM' | 'SIGKILL' = 'SIGTERM') => {
    dns?.abort();
    // Forget it before it exits, so whileRunning never takes a deliberate stop for a crash.
    const stopping = syncer;
    syncer = undefined;
    await (signal === 'SIGKILL' ? stopping?.kill('SIGKILL') : stopping?.stop(10_000));
  };
  const stop = async () => {
    await stopSyncer();
    addedDns.abort();
    await Promise.all(added.map((target) => target.syncer.stop(10_000)));
    await Promise.all([kcp.stop(), downstream.stop()]);
  };
  try {
    const workspace = await step('workspace', () => kcp.createWorkspace('org'));
    const generated = await step('workload sync', () =>
      workloadSync(kcp, workspace, name, { resources, args: options.workloadSyncArgs ?? [] }),
    );
    await step('downstream manifests', () =>
      createObjects(downstream, [...generated.downstreamObjects, KUBERNETES_ENDPOINTS]),
    );
    const up = (method: string, path: string, body?: unknown, contentType?: string) =>
      kcp.request(method, `/clusters/${workspace.path}${path}`, body, contentType);
    const down = (method: string, path: string, body?: unknown, contentType?: string) =>
      realRequest(downstream, method, path, body, contentType);
    const syncTargetKey = await readSyncTargetKey(up, name);
    const start = async (which: SyncerKind, extraArgs: readonly string[] = []) => {
      await stopSyncer();
      syncer = startSyncer(which, kcp, generated, downstream.kubeconfigPath, {
        args: [...(options.syncerArgs ?? []), ...extraArgs],
      });
      dns = new AbortController();
      // Both syncers hold Deployments until the workspace DNS Service has a ready endpoint; no kubelet runs it here.
      serveDnsEndpoints(downstream, generated.syncerNamespace, dns.signal).catch(() => {});
      return syncer;
    };
    await start(kind);
    await step('syncedResources Accepted', () => waitForSyncedResources(kcp, workspace, name, resources));
    await step('bind compute', () => bindCompute(kcp, workspace));
    // The APIBinding takes a moment to serve the bound resources in the workspace.
    await step('bound resources served', () => waitForServed(up, resources, 60_000));
    // Placement is done when kcp labels the workspace's `default` namespace for this SyncTarget.
    await step('default namespace scheduled', () =>
      waitForNamespaceState(up, 'default', syncTargetKey, 'Sync', 60_000),
    );
    return {
      kcp,
      downstream,
      workspace,
      generated,
      syncTargetKey,
      get syncer() {
        return syncer;
      },
      addedSyncTargets: added,
      async addSyncTarget(targetName: string) {
        const more = await workloadSync(kcp, workspace, targetName, {
          resources,
          args: options.workloadSyncArgs ?? [],
        });
        await createObjects(downstream, more.downstreamObjects);
        const target: AddedSyncTarget = {
          generated: more,
          syncTargetKey: await readSyncTargetKey(up, targetName),
          syncer: startSyncer(kind, kcp, more, downstream.kubeconfigPath, { args: options.syncerArgs ?? [] }),
        };
        added.push(target);
        serveDnsEndpoints(downstream, more.syncerNamespace, addedDns.signal).catch(() => {});
        await whileRunning(
          () => target.syncer,
          (async () => {
            await waitForSyncedResources(kcp, workspace, targetName, resources);
            // kcp schedules only on a Ready SyncTarget (a syncer heartbeat, SyncerReady).
            await waitForSyncTargetReady(up, targetName, 120_000);
          })(),
        ).catch((error: Error) => {
          throw new Error(
            `${error.message}\n--- ${kind} syncer of ${targetName} ---\n${target.syncer.logTail(40)}`,
          );
        });
        return target;
      },
      startSyncer: start,
      stopSyncer,
      up,
      down,
      stop,
    };
  } catch (error) {
    const logs = syncer ? `\n--- ${syncer.kind} syncer log ---\n${syncer.logTail(40)}` : '';
    await stop();
    throw error instanceof Error ? new Error(`${error.message}${logs}`, { cause: error }) : error;
  }
}

async function waitForSyncTargetReady(up: KcpWorld['up'], name: string, timeoutMs: number): Promise<void> {
  let conditions: unknown;
  const done = await waitFor(
    async () => {
      const st = await up('GET', `/apis/workload.kcp.io/v1alpha1/synctargets/${name}`);
      const status = (st.body as { status?: { conditions?: Array<{ type: string; status: string }> } })
        .status;
      conditions = status?.conditions;
      return status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ? true : undefined;
    },
    Date.now() + timeoutMs,
    500,
  );
  if (done !== true)
    throw new Error(`SyncTarget ${name} not Ready within ${timeoutMs} ms: ${JSON.stringify(conditions)}`);
}

async function readSyncTargetKey(up: KcpWorld['up'], name: string): Promise<string> {
  const st = await up('GET', `/apis/workload.kcp.io/v1alpha1/synctargets/${name}`);
  const key = (st.body as { metadata?: { labels?: Record<string, string> } }).metadata?.labels?.[
    'internal.workload.kcp.io/key'
  ];
  if (key === undefined) throw new Error(`SyncTarget ${name} has no key label: ${JSON.stringify(st.body)}`);
  return key;
}

/** Waits until kcp's scheduler labels an upstream namespace `state.workload.kcp.io/<key>=<state>`. */
export async function waitForNamespaceState(
  up: KcpWorld['up'],
  namespace: string,
  syncTargetKey: string,
  state: string,
  timeoutMs: number,
): Promise<void> {
  const done = await waitFor(
    async () => {
      const ns = await up('GET', `/api/v1/namespaces/${namespace}`);
      const labels = (ns.body as { metadata?: { labels?: Record<string, string> } }).metadata?.labels;
      return labels?.[`state.workload.kcp.io/${syncTargetKey}`] === state ? true : undefined;
    },
    Date.now() + timeoutMs,
    250,
  );
  if (done !== true) throw new Error(`namespace ${namespace} not in state ${state} within ${timeoutMs} ms`);
}

/** Waits until the workspace serves each resource (`deployments.apps`, `services`) as a list. */
async function waitForServed(
  up: KcpWorld['up'],
  resources: readonly string[],
  timeoutMs: number,
): Promise<void> {
  const paths = resources.map((resource) => {
    const [name, group] = resource.split(/\.(.*)/s) as [string, string?];
    return group ? `/apis/${group}/v1/${name}` : `/api/v1/${name}`;
  });
  const done = await waitFor(
    async () => {
      for (const path of paths) if ((await up('GET', path)).status !== 200) return undefined;
      return true;
    },
    Date.now() + timeoutMs,
    250,
  );
  if (done !== true)
    throw new Error(`${resources.join(', ')} not served in the workspace within ${timeoutMs} ms`);
}

/**
 * `work`, or a rejection with the syncer's log as soon as the current syncer process exits (no waiting out a
 * deadline). `current` is read on every poll, so a deliberate restart is not taken for a crash.
 */
export async function whileRunning<T>(
  current: () => SyncerProcess | undefined,
  work: Promise<T>,
): Promise<T> {
  const controller = new AbortController();
  const exited = (async () => {
    while (!controller.signal.aborted) {
      const syncer = current();
      if (syncer?.exitDescription !== undefined) {
        throw new Error(`the ${syncer.kind} syncer ${syncer.exitDescription}:\n${syncer.logTail(30)}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    return undefined as never;
  })();
  try {
    return await Promise.race([work, exited]);
  } finally {
    controller.abort();
  }
}
