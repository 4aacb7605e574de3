import {
  CLOCK,
  CLUSTER_ANNOTATION,
  type Clock,
  classifyError,
  coreEvent,
  EVENTS_GVR,
  type FailureReporter,
  type GivenUpFailure,
  HEARTBEAT_REPORTER,
  type HeartbeatReporter,
  type KubeClient,
  type KubeObject,
  kubeTime,
  LOGGER,
  type Logger,
  NOOP_LOGGER,
  objectReference,
  recorderEventName,
  SYNC_METRICS,
  SYSTEM_CLOCK,
  type SyncMetrics,
  UPSTREAM_KUBE_CLIENT,
} from '@kcp-tmc/interfaces';
import { inject, injectable } from 'tsyringe';
import { type FailureReport, type RecoveryDecision, RecoveryPolicy } from './policy.js';

/** Same object, reason and message within this window: count up one Event instead of writing another. */
const AGGREGATION_WINDOW_MS = 10 * 60 * 1000;
const MAX_REMEMBERED = 4096;

export interface FailureContext {
  /** Failures of this item in a row before this one. */
  attempt: number;
  /** The object the failure concerns: the Event is about it. */
  object?: KubeObject;
  /** Its logical cluster when the object carries no `kcp.io/cluster` annotation. */
  cluster?: string;
}

/**
 * Every failure goes through here: classified by the one classifier, counted in `syncer_sync_errors_total`,
 * decided by the recovery policy; when the policy gives up, reported as a Warning Event on the object upstream
 * and, for failures that concern the whole agent (e.g. Forbidden), as a SyncTarget condition.
 */
@injectable()
export class FailureHandler implements FailureReporter {
  private readonly recent = new Map<
    string,
    { name: string; namespace: string; cluster?: string; count: number; at: number }
  >();

  constructor(
    @inject(UPSTREAM_KUBE_CLIENT) private readonly client: KubeClient,
    // Optional: without a heartbeat (TMC gate off) agent-wide failures set no SyncTarget condition.
    @inject(HEARTBEAT_REPORTER, { isOptional: true }) private readonly heartbeat?: HeartbeatReporter,
    // Optional: failures are counted only where a metrics registry is composed.
    @inject(SYNC_METRICS, { isOptional: true }) private readonly metrics?: SyncMetrics,
    // Optional: the default rules apply unless registerHeartbeat was given overrides.
    @inject(RecoveryPolicy, { isOptional: true })
    private readonly policy: RecoveryPolicy = new RecoveryPolicy(),
    // Optional: a container that binds no clock uses the system clock.
    @inject(CLOCK, { isOptional: true }) private readonly clock: Clock = SYSTEM_CLOCK,
    // Optional: a container without a logger stays silent.
    @inject(LOGGER, { isOptional: true }) private readonly logger: Logger = NOOP_LOGGER,
  ) {}

  /** Classifies, counts and decides; on give-up, reports before resolving. Never throws. */
  async handle(failure: unknown, context: FailureContext): Promise<RecoveryDecision> {
    const decision = this.policy.decide(failure, context.attempt);
    this.metrics?.observeError(decision.error.type, decision.error.severity);
    if (decision.action === 'give-up') await this.report(decision.report, context);
    return decision;
  }

  /**
   * The engine gave up on a key (its own retry policy decided, and it counted the error already): report it as
   * an Event on the upstream object and, where the policy says so, a SyncTarget condition. Never throws.
   */
  async reportGivenUp(failure: GivenUpFailure): Promise<void> {
    // The object's own `kcp.io/cluster` annotation addresses it in kcp; the key's cluster is only a configured
    // constant in plain mode, so it is not used to address anything.
    const context = failure.object === undefined ? {} : { object: failure.object };
    await this.report(this.policy.reportFor(failure.error, failure.attempts), context);
  }

  /** Writes the Event (aggregated like client-go's recorder) and sets the condition; failures are logged only. */
  async report(report: FailureReport, context: Omit<FailureContext, 'attempt'> = {}): Promise<void> {
    this.logger.warn('giving up', { reason: report.reason, type: report.type, error: report.message });
    const writes: Array<Promise<unknown>> = [];
    if (context.object !== undefined) writes.push(this.event(report, context.object, context.cluster));
    if (report.condition !== undefined && this.heartbeat !== undefined) {
      writes.push(this.heartbeat.setCondition(report.condition));
    }
    for (const result of await Promise.allSettled(writes)) {
      if (result.status === 'rejected') {
        const error = classifyError(result.reason, 'report failure');
        this.logger.warn('could not report a failure', { reason: report.reason, error: error.message });
      }
    }
  }

  private async event(report: FailureReport, object: KubeObject, fallbackCluster?: string): Promise<void> {
    const meta = object.metadata;
    const cluster = meta.annotations?.[CLUSTER_ANNOTATION] ?? fallbackCluster;
    const namespace = meta.namespace || 'default';
    const now = this.clock.now();
    const time = kubeTime(now);
    const key = JSON.stringify([
      cluster,
      object.apiVersion,
      object.kind,
      meta.namespace,
      meta.name,
      meta.uid,
      report.reason,
      report.message,
    ]);
    const previous = this.recent.get(key);
    const scope = cluster === undefined ? { namespace } : { cluster, namespace };
    if (previous !== undefined && now - previous.at < AGGREGATION_WINDOW_MS) {
      previous.count++;
      previous.at = now;
      this.remember(key, previous);
      try {
        await this.client.patch(EVENTS_GVR, { ...scope, name: previous.name }, 'merge', {
          count: previous.count,
          lastTimestamp: time,
        });
        return;
      } catch (err) {
        // The Event expired or was deleted: write a fresh one below.
        if (classifyError(err).type !== 'NotFound') throw err;
      }
    }
    const name = recorderEventName(meta.name ?? 'unknown', now);
    const event = coreEvent({
      name,
      namespace,
      involvedObject: objectReference(object),
      reason: report.reason,
      message: report.message,
      type: 'Warning',
      reportingInstance: '',
      firstTimestamp: time,
    });
    this.remember(key, { name, namespace, ...(cluster === undefined ? {} : { cluster }), count: 1, at: now });
    await this.client.create(EVENTS_GVR, event, scope);
  }

  private remember(
    key: string,
    entry: { name: string; namespace: string; cluster?: string; count: number; at: number },
  ): void {
    this.recent.delete(key);
    this.recent.set(key, entry);
    // Oldest first in a Map: drop from the front.
    while (this.recent.size > MAX_REMEMBERED) {
      const oldest = this.recent.keys().next().value;
      if (oldest === undefined) break;
      this.recent.delete(oldest);
    }
  }
}
