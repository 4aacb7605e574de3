import {
  ALWAYS_SYNCED_RESOURCES,
  type Clock,
  type GVR,
  gvrToString,
  type InformerFactory,
  type KubeClient,
  type Logger,
  NAMESPACES_GVR,
  SYNC_TARGET,
  type SyncTargetRef,
  type TimerHandle,
} from '@kcp-tmc/interfaces';
import { Subject } from 'rxjs';
import { inject, injectable } from 'tsyringe';
import { type AccessDecision, reviewAccess, reviewSynced } from './access-review.js';
import { EngineSettings } from './engine-parts.js';
import { EMPTY_GVR_SET, type GvrSet, type GvrSource } from './gvr-set.js';
import type { EngineOptions } from './options.js';
import { entriesByKey } from './sorted.js';
import { type DropCause, dropCause } from './sync-target-conditions.js';
import { SyncTargetWatch } from './sync-target-watch.js';
import { SIDE_DOWNSTREAM_CLIENT, SYNC_TARGET_INFORMER_FACTORY } from './tokens.js';

// kcp's syncer filters these out of its syncer-VW informers (pkg/syncer/syncer.go, keepGVR).
const NEVER_SYNCED_CORE = new Set(['pods', 'endpoints']);

/**
 * kcp v0.11's SyncTarget GVR source (pkg/syncer/resourcesync/controller.go): the SyncTarget's
 * `status.syncedResources` in state Accepted (every listed version) plus configmaps and secrets, each checked
 * downstream with SelfSubjectAccessReviews for the verbs the agent issues (kcp's syncer asks for verb `*`,
 * which explicit-verb RBAC never grants) and against discovery; plus namespaces, which kcp
 * adds unchecked. Pods and endpoints are never synced (kcp's syncer keeps them out of its upstream informers:
 * the syncer virtual workspace does not serve them). In kcp modes `--resources` only feeds the API importer;
 * in plain mode (no kcp to accept anything) it names GVRs to sync directly. Denied GVRs are dropped and
 * re-checked periodically. A review that fails (rather than denies) keeps a GVR that is already running, as
 * kcp does.
 */
@injectable()
export class SyncTargetGvrSource implements GvrSource {
  private readonly options: EngineOptions;
  private readonly readSyncTarget: boolean;
  private readonly logger: Logger;
  private readonly clock: Clock;
  private readonly changes = new Subject<GvrSet>();
  readonly changes$ = this.changes.asObservable();
  private readonly watch: SyncTargetWatch;
  private set: GvrSet = EMPTY_GVR_SET;
  private desiredSignature = '';
  private reconciling: Promise<void> | undefined;
  private again = false;
  private recheck: TimerHandle | undefined;
  private stopped = false;
  private ready = false;

  constructor(
    @inject(SYNC_TARGET_INFORMER_FACTORY) factory: InformerFactory,
    /** Access reviews, apart from the workers' rate limiter (see SIDE_DOWNSTREAM_CLIENT). */
    @inject(SIDE_DOWNSTREAM_CLIENT) private readonly downstream: KubeClient,
    @inject(SYNC_TARGET) private readonly syncTarget: SyncTargetRef,
    /** The engine's options (mode, `--resources`), the TMC gate, clock and logger. */
    @inject(EngineSettings) settings: Pick<EngineSettings, 'options' | 'gates' | 'clock' | 'logger'>,
  ) {
    this.options = settings.options;
    this.readSyncTarget = settings.gates.TMC;
    this.clock = settings.clock;
    this.logger = settings.logger.child({ component: 'gvr-source' });
    this.watch = new SyncTargetWatch(factory, syncTarget);
  }

  async start(signal?: AbortSignal): Promise<GvrSet> {
    if (this.readSyncTarget) {
      const cluster =
        this.options.syncTargetCluster ??
        ((this.options.upstreamMode ?? 'virtual-workspace') === 'plain'
          ? undefined
          : this.syncTarget.cluster);
      // The handler only schedules: the reconcile runs on its own chain.
      await this.watch.start(cluster, () => this.onSyncTargetEvent(), signal);
    }
    this.ready = true;
    await this.reconcileNow();
    return this.set;
  }

  current(): GvrSet {
    return this.set;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.recheck !== undefined) this.clock.clearTimeout(this.recheck);
    this.recheck = undefined;
    this.watch.detach();
    this.changes.complete();
    await this.reconciling;
    await this.watch.release();
  }

  checkAccess(gvr: GVR, verb: string): Promise<AccessDecision> {
    return reviewAccess(this.downstream, gvr, verb);
  }

  /** Accepted synced resources + configmaps/secrets (+ `--resources` in plain mode), deduplicated, sorted. */
  desired(): GVR[] {
    const byName = new Map<string, GVR>();
    const add = (gvr: GVR): void => {
      const name = gvrToString(gvr);
      if (!byName.has(name))
        byName.set(name, { group: gvr.group, version: gvr.version, resource: gvr.resource });
    };
    for (const gvr of ALWAYS_SYNCED_RESOURCES) add(gvr);
    // Without kcp (plain upstream, or no SyncTarget read) nothing accepts resources: the user names them.
    if (!this.readSyncTarget || (this.options.upstreamMode ?? 'virtual-workspace') === 'plain') {
      for (const gvr of this.options.resources ?? []) add(gvr);
    }
    for (const synced of this.watch.object()?.status?.syncedResources ?? []) {
      if (synced.state !== 'Accepted') continue;
      for (const version of synced.versions ?? []) {
        add({ group: synced.group ?? '', version, resource: synced.resource });
      }
    }
    byName.delete(gvrToString(NAMESPACES_GVR));
    for (const [name, gvr] of byName) {
      if (gvr.group === '' && NEVER_SYNCED_CORE.has(gvr.resource)) byName.delete(name);
    }
    return entriesByKey(byName).map(([, gvr]) => gvr);
  }

  private onSyncTargetEvent(): void {
    // Until `start` has its first set, its own reconcile covers whatever the events say.
    if (!this.ready) return;
    // Heartbeats change the SyncTarget every few seconds: only a change of the desired set (or a due
    // re-check of dropped GVRs, on its own timer) is worth a round of access reviews.
    const present = this.watch.object() === undefined ? ' deleted' : '';
    const signature = this.desired().map(gvrToString).join(',') + this.uidMismatch() + present;
    if (signature === this.desiredSignature) return;
    void this.reconcileNow();
  }

  private uidMismatch(): string {
    const uid = this.watch.object()?.metadata.uid;
    if (this.syncTarget.uid === '' || uid === undefined || uid === this.syncTarget.uid) return '';
    return `SyncTarget ${this.syncTarget.name} has uid ${uid}, expected ${this.syncTarget.uid}: refusing to sync`;
  }

  /** Runs a reconcile, or one more after the running one: never two at once, none lost. */
  private reconcileNow(): Promise<void> {
    if (this.reconciling !== undefined) {
      this.again = true;
      return this.reconciling;
    }
    this.reconciling = (async () => {
      try {
        do {
          this.again = false;
          await this.reconcile();
        } while (this.again && !this.stopped);
      } finally {
        this.reconciling = undefined;
      }
    })();
    return this.reconciling;
  }

  private async reconcile(): Promise<void> {
    if (this.stopped) return;
    const desired = this.desired();
    const mismatch = this.uidMismatch();
    const present = this.watch.object() === undefined && this.readSyncTarget ? ' deleted' : '';
    this.desiredSignature = desired.map(gvrToString).join(',') + mismatch + present;
    if (this.readSyncTarget && this.watch.hasSynced() && this.watch.object() === undefined) {
      const error = `SyncTarget ${this.syncTarget.cluster}:${this.syncTarget.name} was deleted`;
      this.publish({ allowed: this.set.allowed, dropped: {}, unauthorized: [], error, fatal: true });
      return;
    }
    if (mismatch !== '') {
      this.publish({ allowed: [], dropped: {}, unauthorized: [], error: mismatch });
      return;
    }
    const running = new Set(this.set.allowed.map(gvrToString));
    const decisions = await Promise.all(desired.map((gvr) => reviewSynced(this.downstream, gvr)));
    const allowed: GVR[] = [NAMESPACES_GVR];
    const dropped: Record<string, string> = {};
    const unauthorized: string[] = [];
    const causes: Record<string, DropCause> = {};
    desired.forEach((gvr, i) => {
      const name = gvrToString(gvr);
      const decision = decisions[i] as AccessDecision & { discovery?: boolean };
      if (
        decision.allowed ||
        (decision.failed === true && decision.discovery !== true && running.has(name))
      ) {
        allowed.push(gvr);
        if (!decision.allowed) {
          this.logger.warn('access review failed; keeping the running GVR', {
            gvr: name,
            reason: decision.reason,
          });
        }
        return;
      }
      dropped[name] = decision.reason ?? 'not allowed';
      causes[name] = dropCause(decision);
      // A review that could not be asked (server unreachable) is no refusal: kcp's SyncerAuthorized says
      // nothing about it, and the recheck asks again.
      if (decision.discovery !== true && decision.failed !== true) unauthorized.push(name);
    });
    if (this.stopped) return;
    this.publish({ allowed, dropped, unauthorized, ...(Object.keys(causes).length > 0 ? { causes } : {}) });
    this.scheduleRecheck();
  }

  private publish(next: GvrSet): void {
    const changed =
      next.error !== this.set.error ||
      next.allowed.map(gvrToString).join(',') !== this.set.allowed.map(gvrToString).join(',') ||
      JSON.stringify(next.dropped) !== JSON.stringify(this.set.dropped);
    this.set = Object.freeze(next);
    if (!changed) return;
    this.logger.info('GVRs to sync', {
      allowed: next.allowed.map(gvrToString),
      dropped: next.dropped,
      ...(next.error === undefined ? {} : { error: next.error }),
    });
    // A denial stops a resource from syncing at all: say which permission is missing, loudly.
    for (const name of next.unauthorized) {
      this.logger.warn('missing downstream permission: resource not synced', {
        side: 'downstream',
        gvr: name,
        reason: next.dropped[name],
      });
    }
    this.changes.next(this.set);
  }

  /**
   * Reviews again after `accessRecheckMs`, whatever the last answers were: dropped GVRs join once granted, and a
   * permission taken away from a running one drops it (kcp's syncer reviews on every SyncTarget reconcile).
   */
  private scheduleRecheck(): void {
    if (this.recheck !== undefined) this.clock.clearTimeout(this.recheck);
    this.recheck = undefined;
    if (this.stopped) return;
    this.recheck = this.clock.setTimeout(() => {
      this.recheck = undefined;
      void this.reconcileNow();
    }, this.options.accessRecheckMs ?? 60_000);
  }
}
