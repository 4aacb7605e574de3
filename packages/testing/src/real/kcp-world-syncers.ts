import { type SyncerKind, type SyncerProcess, startSyncer } from './kcp-syncer.js';
import {
  createObjects,
  type GeneratedSyncer,
  serveDnsEndpoints,
  waitForSyncedResources,
  workloadSync,
} from './kcp-workload.js';
import type { KcpWorld } from './kcp-world.js';
import { readSyncTargetKey, waitForSyncTargetReady, whileRunning } from './kcp-world-waits.js';

/** A SyncTarget added to a running world, and the syncer serving it. */
export interface AddedSyncTarget {
  readonly generated: GeneratedSyncer;
  /** kcp's `internal.workload.kcp.io/key` label on the SyncTarget. */
  readonly syncTargetKey: string;
  readonly syncer: SyncerProcess;
}

/** What a KcpWorld's syncers run against (`generated`: the world's first SyncTarget), and with which flags. */
export type WorldSyncersContext = Pick<KcpWorld, 'kcp' | 'downstream' | 'workspace' | 'generated' | 'up'> & {
  readonly kind: SyncerKind;
  readonly resources: readonly string[];
  readonly workloadSyncArgs: readonly string[];
  readonly syncerArgs: readonly string[];
};

/**
 * The syncer processes of a KcpWorld: the one serving the first SyncTarget (restartable, of either kind), and one
 * per SyncTarget added later. Each runs beside a fake DNS endpoint, since no kubelet runs the DNS pod here.
 */
export class WorldSyncers {
  private running: SyncerProcess | undefined;
  private dns: AbortController | undefined;
  private readonly addedDns = new AbortController();
  readonly added: AddedSyncTarget[] = [];

  constructor(private readonly context: WorldSyncersContext) {}

  get current(): SyncerProcess | undefined {
    return this.running;
  }

  /** Starts a syncer of either kind with the generated arguments (stops the running one first). */
  async start(kind: SyncerKind, extraArgs: readonly string[] = []): Promise<SyncerProcess> {
    const { kcp, downstream, generated, syncerArgs } = this.context;
    await this.stop();
    this.running = startSyncer(kind, kcp, generated, downstream.kubeconfigPath, {
      args: [...syncerArgs, ...extraArgs],
    });
    this.dns = new AbortController();
    // Both syncers hold Deployments until the workspace DNS Service has a ready endpoint; no kubelet runs it here.
    serveDnsEndpoints(downstream, generated.syncerNamespace, this.dns.signal).catch(() => {});
    return this.running;
  }

  async stop(signal: 'SIGTERM' | 'SIGKILL' = 'SIGTERM'): Promise<void> {
    this.dns?.abort();
    // Forget it before it exits, so whileRunning never takes a deliberate stop for a crash.
    const stopping = this.running;
    this.running = undefined;
    await (signal === 'SIGKILL' ? stopping?.kill('SIGKILL') : stopping?.stop(10_000));
  }

  /** Stops every syncer of the world, the added SyncTargets' too. */
  async stopAll(): Promise<void> {
    await this.stop();
    this.addedDns.abort();
    await Promise.all(this.added.map((target) => target.syncer.stop(10_000)));
  }

  /** See KcpWorld.addSyncTarget. */
  async addSyncTarget(name: string): Promise<AddedSyncTarget> {
    const { kind, kcp, downstream, workspace, up, resources } = this.context;
    const generated = await workloadSync(kcp, workspace, name, {
      resources,
      args: this.context.workloadSyncArgs,
    });
    await createObjects(downstream, generated.downstreamObjects);
    const target: AddedSyncTarget = {
      generated,
      syncTargetKey: await readSyncTargetKey(up, name),
      syncer: startSyncer(kind, kcp, generated, downstream.kubeconfigPath, { args: this.context.syncerArgs }),
    };
    this.added.push(target);
    serveDnsEndpoints(downstream, generated.syncerNamespace, this.addedDns.signal).catch(() => {});
    await whileRunning(
      () => target.syncer,
      (async () => {
        await waitForSyncedResources(kcp, workspace, name, resources);
        // kcp schedules only on a Ready SyncTarget (a syncer heartbeat, SyncerReady).
        await waitForSyncTargetReady(up, name, 120_000);
      })(),
    ).catch((error: Error) => {
      throw new Error(`${error.message}\n--- ${kind} syncer of ${name} ---\n${target.syncer.logTail(40)}`);
    });
    return target;
  }
}
