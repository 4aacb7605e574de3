import {
  type Clock,
  type Condition,
  classifyError,
  type KubeClient,
  kubeTime,
  type Logger,
  type ObjectRef,
  SYNC_TARGET_GVR,
  type SyncMetrics,
  type SyncTarget,
  type SyncTargetRef,
  TmcError,
  TmcErrorType,
} from '@kcp-tmc/interfaces';
import {
  applyConditions,
  type ConditionInput,
  conditionsEqual,
  isSyncerCondition,
  SYNCER_CONDITION_TYPES,
} from './conditions.js';

export interface ConditionWriterInit {
  client: KubeClient;
  target: SyncTargetRef;
  ref: ObjectRef;
  requestTimeoutMs: number;
  clock: Clock;
  logger: Logger;
  metrics?: SyncMetrics;
  /** Re-reads after a write conflict before giving up on one flush. */
  conflictRetries?: number;
}

/**
 * Writes the conditions the syncer owns (SyncerAuthorized only, as kcp's syncer) onto its SyncTarget, merged
 * into whatever the server holds (conditions set by kcp stay). Read, merge, then kcp's write: a JSON merge patch
 * on /status carrying the uid and resourceVersion as preconditions and the whole conditions list
 * (pkg/syncer/resourcesync/controller.go `patchSyncTargetCondition`); a 409 is answered by a re-read. Flushes
 * are serialised; callers arriving while one waits share it.
 */
export class SyncTargetConditionWriter {
  private readonly desired = new Map<string, ConditionInput>();
  private active: Promise<void> | undefined;
  private pending: Promise<void> | undefined;

  constructor(private readonly init: ConditionWriterInit) {}

  /** Records a condition to write with the next flush. Throws for a condition kcp owns. */
  remember(condition: ConditionInput): void {
    if (!isSyncerCondition(condition.type)) {
      throw new TmcError({
        type: TmcErrorType.Invalid,
        reason: 'NotASyncerCondition',
        message: `the syncer sets only ${SYNCER_CONDITION_TYPES.join(', ')} on its SyncTarget, not ${condition.type}`,
        retryable: false,
      });
    }
    this.desired.set(condition.type, condition);
  }

  /** The conditions the agent owns, as last set. */
  owned(): ConditionInput[] {
    return [...this.desired.values()];
  }

  /** Records `condition` (if given) and resolves once a flush that started after this call has written it. */
  set(condition?: ConditionInput): Promise<void> {
    try {
      if (condition !== undefined) this.remember(condition);
    } catch (err) {
      return Promise.reject(err);
    }
    if (this.pending !== undefined) return this.pending;
    const previous = this.active ?? Promise.resolve();
    const next: Promise<void> = previous
      .catch(() => {})
      .then(() => {
        if (this.pending === next) this.pending = undefined;
        return this.flush();
      });
    this.pending = next;
    this.active = next;
    next
      .finally(() => {
        if (this.active === next) this.active = undefined;
      })
      .catch(() => {});
    return next;
  }

  /** Resolves when no flush is running. */
  async idle(): Promise<void> {
    while (this.active !== undefined) await this.active.catch(() => {});
  }

  private async flush(): Promise<void> {
    const attempts = (this.init.conflictRetries ?? 5) + 1;
    for (let attempt = 1; ; attempt++) {
      try {
        await this.writeOnce();
        return;
      } catch (err) {
        const error = classifyError(err, `update conditions of SyncTarget ${this.init.target.name}`);
        if (error.type === TmcErrorType.ResourceConflict && attempt < attempts) continue;
        this.init.metrics?.observeError(error.type, error.severity);
        this.init.logger.warn('writing SyncTarget conditions failed', {
          syncTarget: this.init.target.name,
          type: error.type,
          error: error.message,
        });
        throw error;
      }
    }
  }

  private async writeOnce(): Promise<void> {
    const { client, ref, target, requestTimeoutMs, clock } = this.init;
    const current = (await client.get(SYNC_TARGET_GVR, ref, { timeoutMs: requestTimeoutMs })) as SyncTarget;
    if (current.metadata.uid !== target.uid) {
      throw new TmcError({
        type: TmcErrorType.Invalid,
        reason: 'UIDMismatch',
        message: `SyncTarget ${target.name} has uid ${current.metadata.uid ?? '<none>'}, the syncer serves uid ${target.uid}`,
      });
    }
    const existing: Condition[] = current.status?.conditions ?? [];
    const merged = applyConditions(existing, this.desired.values(), kubeTime(clock.now()));
    if (conditionsEqual(existing, merged)) return;
    const patch = {
      metadata: { uid: current.metadata.uid, resourceVersion: current.metadata.resourceVersion },
      status: { conditions: merged },
    };
    await client.patch(SYNC_TARGET_GVR, ref, 'merge', patch, {
      subresource: 'status',
      timeoutMs: requestTimeoutMs,
    });
  }
}
