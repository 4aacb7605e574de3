import type { TmcErrorSeverity, TmcErrorType } from '../errors.js';
import type { GVR } from '../gvr.js';

export interface CounterMetric {
  inc(): void;
}
export interface GaugeMetric {
  inc(): void;
  dec(): void;
}
export interface SettableGaugeMetric {
  set(value: number): void;
}
export interface HistogramMetric {
  observe(value: number): void;
}

/** client-go's workqueue metrics, one set per named queue. */
export interface WorkQueueMetricsProvider {
  depth(queue: string): GaugeMetric;
  adds(queue: string): CounterMetric;
  /** Seconds an item waited in the queue before being handed out. */
  latency(queue: string): HistogramMetric;
  /** Seconds an item took to process. */
  workDuration(queue: string): HistogramMetric;
  unfinishedWorkSeconds(queue: string): SettableGaugeMetric;
  longestRunningProcessorSeconds(queue: string): SettableGaugeMetric;
  retries(queue: string): CounterMetric;
}

export interface SyncObservation {
  /**
   * Logical cluster of the upstream object, in both directions: going up, the one its downstream namespace's
   * locator names ('' when unknown, e.g. an object outside the SyncTarget's namespaces).
   */
  cluster: string;
  /** The resource synced: one spelling in every label is the metrics registry's to choose. */
  gvr: GVR;
  direction: 'down' | 'up';
  durationSeconds: number;
  success: boolean;
}

/** The syncer's own metrics. */
export interface SyncMetrics {
  observeSync(observation: SyncObservation): void;
  observeError(type: TmcErrorType, severity: TmcErrorSeverity): void;
  setConnected(side: 'upstream' | 'downstream', connected: boolean): void;
  setHeartbeat(timestampMs: number): void;
}
