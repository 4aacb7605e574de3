import type {
  Clock,
  CounterMetric,
  GaugeMetric,
  HistogramMetric,
  SettableGaugeMetric,
  TimerHandle,
  WorkQueueMetricsProvider,
} from '@kcp-tmc/interfaces';

const NOOP_COUNTER: CounterMetric = { inc: () => {} };
const NOOP_GAUGE: GaugeMetric = { inc: () => {}, dec: () => {} };
const NOOP_SETTABLE: SettableGaugeMetric = { set: () => {} };
const NOOP_HISTOGRAM: HistogramMetric = { observe: () => {} };

/** Drops every observation: the default, and what turns the queue's metric bookkeeping off entirely. */
export const NOOP_WORKQUEUE_METRICS_PROVIDER: WorkQueueMetricsProvider = Object.freeze({
  depth: () => NOOP_GAUGE,
  adds: () => NOOP_COUNTER,
  latency: () => NOOP_HISTOGRAM,
  workDuration: () => NOOP_HISTOGRAM,
  unfinishedWorkSeconds: () => NOOP_SETTABLE,
  longestRunningProcessorSeconds: () => NOOP_SETTABLE,
  retries: () => NOOP_COUNTER,
});

/** client-go refreshes the in-flight gauges every 500 ms. */
export const DEFAULT_METRICS_UPDATE_PERIOD_MS = 500;

/**
 * client-go's per-queue metric bookkeeping: when each key was added and when its processing started, turned
 * into depth, adds, latency, work duration and the two in-flight gauges (refreshed on a tick, since nothing
 * else happens while a long item runs). With the no-op provider nothing is tracked and no timer runs.
 */
export class QueueMetrics<K> {
  readonly enabled: boolean;
  private readonly depth: GaugeMetric;
  private readonly adds: CounterMetric;
  private readonly latency: HistogramMetric;
  private readonly workDuration: HistogramMetric;
  private readonly unfinished: SettableGaugeMetric;
  private readonly longest: SettableGaugeMetric;
  private readonly retries: CounterMetric;
  private readonly addTimes = new Map<K, number>();
  private readonly processingStartTimes = new Map<K, number>();
  private tick: TimerHandle | undefined;
  private stopped = false;

  constructor(
    name: string,
    provider: WorkQueueMetricsProvider,
    private readonly clock: Clock,
    private readonly updatePeriodMs: number = DEFAULT_METRICS_UPDATE_PERIOD_MS,
  ) {
    this.enabled = provider !== NOOP_WORKQUEUE_METRICS_PROVIDER;
    this.depth = provider.depth(name);
    this.adds = provider.adds(name);
    this.latency = provider.latency(name);
    this.workDuration = provider.workDuration(name);
    this.unfinished = provider.unfinishedWorkSeconds(name);
    this.longest = provider.longestRunningProcessorSeconds(name);
    this.retries = provider.retries(name);
    if (this.enabled) this.scheduleTick();
  }

  add(key: K): void {
    if (!this.enabled) return;
    this.adds.inc();
    this.depth.inc();
    if (!this.addTimes.has(key)) this.addTimes.set(key, this.clock.now());
  }

  get(key: K): void {
    if (!this.enabled) return;
    const now = this.clock.now();
    this.depth.dec();
    this.processingStartTimes.set(key, now);
    const addedAt = this.addTimes.get(key);
    if (addedAt !== undefined) {
      this.latency.observe((now - addedAt) / 1000);
      this.addTimes.delete(key);
    }
  }

  done(key: K): void {
    if (!this.enabled) return;
    const startedAt = this.processingStartTimes.get(key);
    if (startedAt === undefined) return;
    this.workDuration.observe((this.clock.now() - startedAt) / 1000);
    this.processingStartTimes.delete(key);
  }

  /** A queued key taken out without being handed to a worker (handed back at a drain deadline). */
  discard(key: K): void {
    if (!this.enabled) return;
    if (this.addTimes.delete(key)) this.depth.dec();
  }

  retry(): void {
    if (this.enabled) this.retries.inc();
  }

  /** Sets the in-flight gauges from the processing start times (called by the tick, public for tests). */
  updateUnfinishedWork(): void {
    const now = this.clock.now();
    let total = 0;
    let oldest = 0;
    for (const startedAt of this.processingStartTimes.values()) {
      const seconds = (now - startedAt) / 1000;
      total += seconds;
      if (seconds > oldest) oldest = seconds;
    }
    this.unfinished.set(total);
    this.longest.set(oldest);
  }

  /** Stops the tick; idempotent. */
  stop(): void {
    this.stopped = true;
    if (this.tick !== undefined) {
      this.clock.clearTimeout(this.tick);
      this.tick = undefined;
    }
  }

  private scheduleTick(): void {
    if (this.stopped) return;
    this.tick = this.clock.setTimeout(() => {
      this.tick = undefined;
      this.updateUnfinishedWork();
      this.scheduleTick();
    }, this.updatePeriodMs);
    // A metrics tick alone must never keep the process alive.
    (this.tick as { unref?: () => void } | undefined)?.unref?.();
  }
}
