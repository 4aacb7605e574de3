import {
  type CounterMetric,
  DEFAULT_METRICS_CONFIG,
  type GaugeMetric,
  type GVR,
  type HistogramMetric,
  METRICS_CONFIG,
  type MetricsConfig,
  type SettableGaugeMetric,
  type SyncMetrics,
  type SyncObservation,
  TmcError,
  type TmcErrorSeverity,
  TmcErrorType,
  type WorkQueueMetricsProvider,
} from '@kcp-tmc/interfaces';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import { inject, injectable } from 'tsyringe';
import { workQueueMetrics } from './workqueue-metrics.js';

/** Sync durations: 1 ms to about 65 s, doubling. */
const SYNC_BUCKETS = Array.from({ length: 17 }, (_, i) => 0.001 * 2 ** i);

/**
 * The one spelling of a resource in every label: kubectl's `resource.version.group` (`deployments.v1.apps`),
 * the core group left out (`configmaps.v1`) as kube-apiserver's resource labels leave it out.
 */
export function resourceLabel(gvr: GVR): string {
  return gvr.group === '' ? `${gvr.resource}.${gvr.version}` : `${gvr.resource}.${gvr.version}.${gvr.group}`;
}

/** What `syncer_build_info` says besides Node's version and platform. */
export interface BuildInfo {
  readonly version: string;
}

const DIRECTIONS = ['down', 'up'] as const;

/**
 * The agent's Prometheus metrics, in one `Registry` it owns (never prom-client's global one, so two agents in
 * one process, or two tests, never collide). Implements the syncer's own metrics and client-go's workqueue
 * metrics under client-go's names with the `name` label.
 */
@injectable()
export class SyncerMetrics implements SyncMetrics, WorkQueueMetricsProvider {
  readonly registry = new Registry();

  private readonly synced = new Counter({
    name: 'syncer_resources_synced_total',
    help: 'Objects synced successfully, by logical cluster (of the upstream object), resource (resource.version.group) and direction.',
    labelNames: ['cluster', 'resource', 'direction'] as const,
    registers: [this.registry],
  });
  private readonly buildInfo = new Gauge({
    name: 'syncer_build_info',
    help: 'Always 1: the agent version, Node.js version and platform in its labels.',
    labelNames: ['version', 'node_version', 'platform'] as const,
    registers: [this.registry],
  });
  private readonly syncDuration = new Histogram({
    name: 'syncer_sync_duration_seconds',
    help: 'Time to sync one object, by direction and result.',
    labelNames: ['direction', 'result'] as const,
    buckets: SYNC_BUCKETS,
    registers: [this.registry],
  });
  private readonly errors = new Counter({
    name: 'syncer_sync_errors_total',
    help: 'Failures, by error type and severity.',
    labelNames: ['type', 'severity'] as const,
    registers: [this.registry],
  });
  private readonly heartbeat = new Gauge({
    name: 'syncer_heartbeat_last_success_timestamp_seconds',
    help: 'Unix time of the last SyncTarget heartbeat the server accepted.',
    registers: [this.registry],
  });
  private readonly heartbeats = new Counter({
    name: 'syncer_heartbeats_total',
    help: 'SyncTarget heartbeats the server accepted.',
    registers: [this.registry],
  });
  private readonly connected = new Gauge({
    name: 'syncer_connected',
    help: 'Whether the last contact with a side (upstream, downstream) succeeded: 1 or 0.',
    labelNames: ['side'] as const,
    registers: [this.registry],
  });

  private readonly queue = workQueueMetrics(this.registry);

  /** Series already created per `<metric>|<queue>`: a queue asking twice must not reset them. */
  private readonly initialised = new Set<string>();

  constructor(
    // Optional: without a config, process metrics follow DEFAULT_METRICS_CONFIG.
    @inject(METRICS_CONFIG, { isOptional: true }) config: Partial<MetricsConfig> = {},
  ) {
    if (config.processMetrics ?? DEFAULT_METRICS_CONFIG.processMetrics) {
      collectDefaultMetrics({ register: this.registry });
    }
    // Series with known label sets exist at zero from the start, so rate() and absent() work before any sync.
    for (const direction of DIRECTIONS) {
      for (const result of ['success', 'error']) this.syncDuration.zero({ direction, result });
    }
    for (const type of Object.values(TmcErrorType)) {
      const { severity } = new TmcError({ type, message: '' });
      this.errors.labels({ type, severity }).inc(0);
    }
    for (const side of ['upstream', 'downstream']) this.connected.labels({ side }).set(0);
  }

  /** Sets `syncer_build_info` (one series, value 1); the composition root calls it with the agent's version. */
  setBuildInfo(info: BuildInfo): void {
    this.buildInfo.reset();
    this.buildInfo
      .labels({
        version: info.version,
        node_version: process.version,
        platform: `${process.platform}/${process.arch}`,
      })
      .set(1);
  }

  /** The exposition text (Prometheus text format 0.0.4). */
  metrics(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  // SyncMetrics

  observeSync(o: SyncObservation): void {
    const result = o.success ? 'success' : 'error';
    this.syncDuration.labels({ direction: o.direction, result }).observe(o.durationSeconds);
    if (o.success) {
      this.synced
        .labels({ cluster: o.cluster, resource: resourceLabel(o.gvr), direction: o.direction })
        .inc();
    }
  }

  observeError(type: TmcErrorType, severity: TmcErrorSeverity): void {
    this.errors.labels({ type, severity }).inc();
  }

  setConnected(side: 'upstream' | 'downstream', connected: boolean): void {
    this.connected.labels({ side }).set(connected ? 1 : 0);
  }

  setHeartbeat(timestampMs: number): void {
    this.heartbeat.set(timestampMs / 1000);
    this.heartbeats.inc();
  }

  // WorkQueueMetricsProvider: each series exists (at zero) from the moment a queue asks for it, as in client-go.

  depth(queue: string): GaugeMetric {
    const gauge = this.queue.depth.labels({ name: queue });
    if (this.first('depth', queue)) gauge.set(0);
    return { inc: () => gauge.inc(), dec: () => gauge.dec() };
  }

  adds(queue: string): CounterMetric {
    const counter = this.queue.adds.labels({ name: queue });
    if (this.first('adds', queue)) counter.inc(0);
    return { inc: () => counter.inc() };
  }

  latency(queue: string): HistogramMetric {
    if (this.first('latency', queue)) this.queue.latency.zero({ name: queue });
    const histogram = this.queue.latency.labels({ name: queue });
    return { observe: (value) => histogram.observe(value) };
  }

  workDuration(queue: string): HistogramMetric {
    if (this.first('work', queue)) this.queue.work.zero({ name: queue });
    const histogram = this.queue.work.labels({ name: queue });
    return { observe: (value) => histogram.observe(value) };
  }

  unfinishedWorkSeconds(queue: string): SettableGaugeMetric {
    const gauge = this.queue.unfinished.labels({ name: queue });
    if (this.first('unfinished', queue)) gauge.set(0);
    return { set: (value) => gauge.set(value) };
  }

  longestRunningProcessorSeconds(queue: string): SettableGaugeMetric {
    const gauge = this.queue.longest.labels({ name: queue });
    if (this.first('longest', queue)) gauge.set(0);
    return { set: (value) => gauge.set(value) };
  }

  retries(queue: string): CounterMetric {
    const counter = this.queue.retries.labels({ name: queue });
    if (this.first('retries', queue)) counter.inc(0);
    return { inc: () => counter.inc() };
  }

  private first(metric: string, queue: string): boolean {
    const key = `${metric}|${queue}`;
    if (this.initialised.has(key)) return false;
    this.initialised.add(key);
    return true;
  }
}
