import {
  CLOCK,
  CLUSTER_ANNOTATION,
  type Clock,
  classifyError,
  coreEvent,
  EVENTS_GVR,
  type FailureReporter,
  type GivenUpFailure,
  type KubeClient,
  type KubeObject,
  kubeTime,
  LOGGER,
  type Logger,
  NOOP_LOGGER,
  objectReference,
  recorderEventName,
  SYSTEM_CLOCK,
  UPSTREAM_KUBE_CLIENT,
} from '@kcp-tmc/interfaces';
import { inject, injectable } from 'tsyringe';
import { type FailureReport, failureReport } from './failure-report.js';

/** Same object, reason and message within this window: count up one Event instead of writing another. */
const AGGREGATION_WINDOW_MS = 10 * 60 * 1000;
const MAX_REMEMBERED = 4096;

/**
 * FAILURE_REPORTER: what the engine gave up on (its retry policy decided, and it counted the error already)
 * becomes a Warning Event on the upstream object, aggregated like client-go's recorder. No SyncTarget condition:
 * kcp's syncer sets SyncerAuthorized from its access reviews only (pkg/syncer/resourcesync/controller.go).
 */
@injectable()
export class FailureHandler implements FailureReporter {
  private readonly recent = new Map<
    string,
    { name: string; namespace: string; cluster?: string; count: number; at: number }
  >();

  constructor(
    @inject(UPSTREAM_KUBE_CLIENT) private readonly client: KubeClient,
    // Optional: tests bind a manual clock; unbound, the system clock.
    @inject(CLOCK, { isOptional: true }) private readonly clock: Clock = SYSTEM_CLOCK,
    // Optional: unbound, nothing is logged.
    @inject(LOGGER, { isOptional: true }) private readonly logger: Logger = NOOP_LOGGER,
  ) {}

  /** Never throws: a failed Event write is logged only. */
  async reportGivenUp(failure: GivenUpFailure): Promise<void> {
    const report = failureReport(failure.error, failure.attempts);
    this.logger.warn('giving up', { reason: report.reason, type: report.type, error: report.message });
    // The object's own `kcp.io/cluster` annotation addresses it in kcp; the key's cluster is only a configured
    // constant in plain mode, so it is not used to address anything.
    if (failure.object === undefined) return;
    try {
      await this.event(report, failure.object);
    } catch (err) {
      const error = classifyError(err, 'report failure');
      this.logger.warn('could not report a failure', { reason: report.reason, error: error.message });
    }
  }

  private async event(report: FailureReport, object: KubeObject): Promise<void> {
    const meta = object.metadata;
    const cluster = meta.annotations?.[CLUSTER_ANNOTATION];
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
