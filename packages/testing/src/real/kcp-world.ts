import { type RealKcp, type RealKcpWorkspace, startRealKcp } from './kcp.js';
import type { SyncerKind, SyncerProcess } from './kcp-syncer.js';
import {
  bindCompute,
  createObjects,
  type GeneratedSyncer,
  KUBERNETES_ENDPOINTS,
  waitForSyncedResources,
  workloadSync,
} from './kcp-workload.js';
import { type AddedSyncTarget, WorldSyncers, type WorldSyncersContext } from './kcp-world-syncers.js';
import {
  readSyncTargetKey,
  type WorkspaceRequest,
  waitForNamespaceState,
  waitForServed,
  whileRunning,
} from './kcp-world-waits.js';
import { type RealKubeApiserver, startRealKubeApiserver } from './kube-apiserver.js';
import { type RealJsonResponse, realRequest } from './plain-upstream.js';

export type { AddedSyncTarget } from './kcp-world-syncers.js';
export { waitForNamespaceState, whileRunning } from './kcp-world-waits.js';

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

const DOWNSTREAM_CONTROLLERS = [
  'namespace-controller',
  'garbage-collector-controller',
  'deployment-controller',
  'replicaset-controller',
];

/** Times one set-up step for `onStep`, failing it early if the running syncer exits meanwhile. */
type Step = <T>(name: string, work: () => Promise<T>) => Promise<T>;

function stepper(options: KcpWorldOptions, current: () => SyncerProcess | undefined): Step {
  return async (name, work) => {
    const started = Date.now();
    const result = await whileRunning(current, work());
    options.onStep?.(name, Date.now() - started);
    return result;
  };
}

/** Starts kcp and the downstream together; stops whichever started when the other fails. */
async function startServers(
  options: KcpWorldOptions,
  step: Step,
): Promise<{ kcp: RealKcp; downstream: RealKubeApiserver }> {
  const [kcpStart, downstreamStart] = await Promise.allSettled([
    step('kcp start', () => startRealKcp({ args: options.kcpArgs ?? [] })),
    step('downstream start', () =>
      startRealKubeApiserver({ controllerManager: true, controllers: DOWNSTREAM_CONTROLLERS }),
    ),
  ]);
  if (kcpStart.status === 'fulfilled' && downstreamStart.status === 'fulfilled') {
    return { kcp: kcpStart.value, downstream: downstreamStart.value };
  }
  if (kcpStart.status === 'fulfilled') await kcpStart.value.stop();
  if (downstreamStart.status === 'fulfilled') await downstreamStart.value.stop();
  throw kcpStart.status === 'rejected' ? kcpStart.reason : (downstreamStart as PromiseRejectedResult).reason;
}

/** Waits until kcp accepts the syncer's resources, binds compute and schedules the `default` namespace. */
async function scheduleDefaultNamespace(
  step: Step,
  { kcp, workspace, up, resources }: WorldSyncersContext,
  name: string,
  syncTargetKey: string,
): Promise<void> {
  await step('syncedResources Accepted', () => waitForSyncedResources(kcp, workspace, name, resources));
  await step('bind compute', () => bindCompute(kcp, workspace));
  // The APIBinding takes a moment to serve the bound resources in the workspace.
  await step('bound resources served', () => waitForServed(up, resources, 60_000));
  // Placement is done when kcp labels the workspace's `default` namespace for this SyncTarget.
  await step('default namespace scheduled', () =>
    waitForNamespaceState(up, 'default', syncTargetKey, 'Sync', 60_000),
  );
}

/** Sets up a KcpWorld and starts the first syncer of `kind` in it. */
export async function startKcpWorld(kind: SyncerKind, options: KcpWorldOptions = {}): Promise<KcpWorld> {
  let syncers: WorldSyncers | undefined;
  const step = stepper(options, () => syncers?.current);
  const resources = options.resources ?? ['deployments.apps', 'services'];
  const name = options.syncTargetName ?? 'phys';
  const { kcp, downstream } = await startServers(options, step);
  const stop = async () => {
    await syncers?.stopAll();
    await Promise.all([kcp.stop(), downstream.stop()]);
  };
  try {
    const workspace = await step('workspace', () => kcp.createWorkspace('org'));
    const workloadSyncArgs = options.workloadSyncArgs ?? [];
    const generated = await step('workload sync', () =>
      workloadSync(kcp, workspace, name, { resources, args: workloadSyncArgs }),
    );
    await step('downstream manifests', () =>
      createObjects(downstream, [...generated.downstreamObjects, KUBERNETES_ENDPOINTS]),
    );
    const up: WorkspaceRequest = (method, path, body, contentType) =>
      kcp.request(method, `/clusters/${workspace.path}${path}`, body, contentType);
    const context: WorldSyncersContext = {
      kind,
      kcp,
      downstream,
      workspace,
      generated,
      up,
      resources,
      workloadSyncArgs,
      syncerArgs: options.syncerArgs ?? [],
    };
    const started = new WorldSyncers(context);
    syncers = started;
    const syncTargetKey = await readSyncTargetKey(up, name);
    await started.start(kind);
    await scheduleDefaultNamespace(step, context, name, syncTargetKey);
    return {
      kcp,
      downstream,
      workspace,
      generated,
      syncTargetKey,
      get syncer() {
        return started.current;
      },
      addedSyncTargets: started.added,
      addSyncTarget: (targetName) => started.addSyncTarget(targetName),
      startSyncer: (which, extraArgs) => started.start(which, extraArgs),
      stopSyncer: (signal) => started.stop(signal),
      up,
      down: (method, path, body, contentType) => realRequest(downstream, method, path, body, contentType),
      stop,
    };
  } catch (error) {
    const current = syncers?.current;
    const logs = current ? `\n--- ${current.kind} syncer log ---\n${current.logTail(40)}` : '';
    await stop();
    throw error instanceof Error ? new Error(`${error.message}${logs}`, { cause: error }) : error;
  }
}
