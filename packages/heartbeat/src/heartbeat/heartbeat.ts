import {
  CLOCK,
  type Clock,
  classifyError,
  DEFAULT_HEARTBEAT_CONFIG,
  HEARTBEAT_CONFIG,
  type HeartbeatConfig,
  type HeartbeatReporter,
  type KubeClient,
  kubeTime,
  LOGGER,
  type Logger,
  NOOP_LOGGER,
  type ObjectRef,
  type RequestOptions,
  SYNC_METRICS,
  SYNC_TARGET,
  SYNC_TARGET_GVR,
  SYSTEM_CLOCK,
  type SyncMetrics,
  type SyncTargetRef,
  type TimerHandle,
  type TmcError,
} from '@kcp-tmc/interfaces';
import { inject, injectable } from 'tsyringe';
import { HEARTBEAT_KUBE_CLIENT } from '../tokens.js';
import { SyncTargetConditionWriter } from './condition-writer.js';
import { type ConditionInput } from './conditions.js';
import { heartbeatPatch, type SyncTargetShape, shapeOf } from './patch.js';

/**
 * How often beats are due for a heartbeat period: the period less 20% (at most 1 s, so 19 s for kcp's 20 s).
 * Under load a timer fires late, and a request takes longer, by tens to hundreds of milliseconds; at exactly one
 * period per beat, every late beat after a punctual one would leave a gap longer than the period.
 */
export function heartbeatIntervalMs(periodMs: number): number {
  return periodMs - Math.min(periodMs / 5, 1_000);
}

/**
 * Keeps `status.lastSyncerHeartbeatTime` of the agent's SyncTarget fresh and writes the conditions the syncer
 * owns (SyncerAuthorized only; kcp sets Ready and HeartbeatHealthy from the heartbeat itself).
 *
 * The heartbeat runs on its own timer (the injected Clock), never behind the work queue. `periodMs` is the
 * longest interval allowed between two beats: beats are due every {@link heartbeatIntervalMs} (the period less
 * 20%, at most 1 s), counted from the previous due time, so neither timer lateness nor a slow request stretches
 * an interval past the period; a failed beat is
 * retried every `retryIntervalMs` (or after the server's Retry-After, if longer) until it succeeds, also after
 * earlier successes. One beat is in flight at a time.
 */
@injectable()
export class SyncTargetHeartbeat implements HeartbeatReporter {
  private readonly config: HeartbeatConfig;
  private readonly ref: ObjectRef;
  private readonly conditions: SyncTargetConditionWriter;
  private running = false;
  private timer: TimerHandle | undefined;
  private inFlight: Promise<void> | undefined;
  private abort: AbortController | undefined;
  /** When the next regular beat is due (ms); retries do not move it. */
  private nextDue = 0;
  private shape: SyncTargetShape = 'unknown';
  private shapeVersion: string | undefined;
  private last: number | undefined;
  private lastFailure: TmcError | undefined;
  private failures = 0;
  private beats = 0;

  constructor(
    @inject(HEARTBEAT_KUBE_CLIENT) private readonly client: KubeClient,
    @inject(SYNC_TARGET) private readonly target: SyncTargetRef,
    // Optional: the defaults (DEFAULT_HEARTBEAT_CONFIG) apply outside registerHeartbeat.
    @inject(HEARTBEAT_CONFIG, { isOptional: true }) config: Partial<HeartbeatConfig> = {},
    // Optional: a container that binds no clock beats on the system clock (tests bind a manual one).
    @inject(CLOCK, { isOptional: true }) private readonly clock: Clock = SYSTEM_CLOCK,
    // Optional: a container without a logger stays silent.
    @inject(LOGGER, { isOptional: true }) private readonly logger: Logger = NOOP_LOGGER,
    // Optional: beats are counted only where a metrics registry is composed.
    @inject(SYNC_METRICS, { isOptional: true }) private readonly metrics?: SyncMetrics,
  ) {
    this.config = { ...DEFAULT_HEARTBEAT_CONFIG, ...config };
    this.ref = this.config.clusterScoped
      ? { cluster: target.cluster, name: target.name }
      : { name: target.name };
    const writerInit = {
      client,
      target,
      ref: this.ref,
      requestTimeoutMs: this.config.requestTimeoutMs,
      clock,
      logger: this.logger,
      ...(metrics === undefined ? {} : { metrics }),
    };
    this.conditions = new SyncTargetConditionWriter(writerInit);
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.nextDue = this.clock.now();
    // The first beat goes out now, not on a timer: a new leader starts its writers right after, and a beat
    // queued behind their requests would land late.
    this.fire();
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    this.abort?.abort();
    await Promise.allSettled([this.inFlight, this.conditions.idle()]);
  }

  lastHeartbeat(): number | undefined {
    return this.last;
  }

  /** The error of the latest failed beat, cleared by the next success. */
  lastError(): TmcError | undefined {
    return this.lastFailure;
  }

  /** Failed beats since the last success. */
  consecutiveFailures(): number {
    return this.failures;
  }

  /** Beats the server accepted since start. */
  heartbeatCount(): number {
    return this.beats;
  }

  setCondition(condition: ConditionInput): Promise<void> {
    return this.conditions.set(condition);
  }

  private schedule(delayMs: number): void {
    if (!this.running) return;
    this.timer = this.clock.setTimeout(() => {
      this.timer = undefined;
      this.fire();
    }, delayMs);
  }

  private fire(): void {
    this.inFlight = this.beat().finally(() => {
      this.inFlight = undefined;
    });
  }

  private async beat(): Promise<void> {
    const abort = new AbortController();
    this.abort = abort;
    const sentAt = this.clock.now();
    const time = kubeTime(sentAt);
    try {
      if (this.shape === 'unknown') {
        const current = await this.client.get(SYNC_TARGET_GVR, this.ref, this.requestOptions(abort.signal));
        this.shape = shapeOf(current);
        this.shapeVersion = current.metadata.resourceVersion;
      }
      const patch = heartbeatPatch(this.target.uid, time, this.shape, this.shapeVersion);
      await this.client.patch(SYNC_TARGET_GVR, this.ref, 'json', patch, {
        ...this.requestOptions(abort.signal),
        // kcp's syncer patches the main resource, but a real kube-apiserver drops status changes sent there
        // when the CRD has a status subresource (kcp's SyncTarget CRD has one). A JSON patch sent to /status is
        // applied to the whole object, so the uid test still works, and only status is kept: right on both.
        subresource: 'status',
      });
      this.succeeded(Date.parse(time));
    } catch (err) {
      if (!this.running) return;
      this.failed(classifyError(err, `heartbeat SyncTarget ${this.target.cluster}|${this.target.name}`));
    }
  }

  private succeeded(time: number): void {
    const recovered = this.failures > 0 || this.beats === 0;
    this.shape = 'present';
    this.last = time;
    this.beats++;
    this.failures = 0;
    this.lastFailure = undefined;
    this.metrics?.setHeartbeat(time);
    this.logger.debug(
      'heartbeat sent',
      { syncTarget: this.target.name, time: new Date(time).toISOString() },
      4,
    );
    if (recovered && this.conditions.owned().length > 0) {
      // A condition write that failed while the server was away is written once it answers again.
      this.conditions.set().catch(() => {
        // Already counted and logged by the writer; the next recovery tries again.
      });
    }
    const now = this.clock.now();
    const interval = heartbeatIntervalMs(this.config.periodMs);
    this.nextDue += interval;
    // After an overrun (long outage), restart the cadence from now rather than firing a burst of late beats.
    if (this.nextDue <= now) this.nextDue = now + interval;
    this.schedule(this.nextDue - now);
  }

  private failed(error: TmcError): void {
    this.failures++;
    this.metrics?.observeError(error.type, error.severity);
    // A 422 is the uid test failing (the SyncTarget was replaced) or a path we assumed missing: re-read first.
    if (error.type === 'Invalid' || error.type === 'NotFound') this.shape = 'unknown';
    const repeated = this.lastFailure?.type === error.type && this.lastFailure.message === error.message;
    this.lastFailure = error;
    const fields = {
      syncTarget: this.target.name,
      type: error.type,
      failures: this.failures,
      error: error.message,
    };
    // Log each distinct failure once; repeats go to debug so a long outage does not flood the log.
    if (repeated) this.logger.debug('heartbeat failed again', fields, 2);
    else this.logger.error('heartbeat failed', fields);
    this.schedule(Math.max(this.config.retryIntervalMs, error.retryAfterMs ?? 0));
  }

  /**
   * One attempt per beat: a failed beat is retried every `retryIntervalMs`, so the first beat after an outage
   * heals lands within that interval, not after the client's own backoff (up to seconds) runs out.
   */
  private requestOptions(signal: AbortSignal): RequestOptions {
    return { timeoutMs: this.config.requestTimeoutMs, signal, maxRetries: 0 };
  }
}
