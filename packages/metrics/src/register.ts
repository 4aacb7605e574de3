import {
  DEFAULT_METRICS_CONFIG,
  METRICS_CONFIG,
  type MetricsConfig,
  SYNC_METRICS,
  WORKQUEUE_METRICS_PROVIDER,
} from '@kcp-tmc/interfaces';
import type { DependencyContainer } from 'tsyringe';
import { SyncerMetrics } from './registry.js';

export interface MetricsRegistrationOptions {
  /** Bound as METRICS_CONFIG, over DEFAULT_METRICS_CONFIG. */
  config?: Partial<MetricsConfig>;
}

/**
 * Binds METRICS_CONFIG and one SyncerMetrics per container as SYNC_METRICS and WORKQUEUE_METRICS_PROVIDER, also
 * resolvable by its class for the /metrics listener.
 */
export function registerMetrics(
  container: DependencyContainer,
  options: MetricsRegistrationOptions = {},
): void {
  const config: MetricsConfig = { ...DEFAULT_METRICS_CONFIG, ...options.config };
  container.register(METRICS_CONFIG, { useValue: config });
  container.registerSingleton(SyncerMetrics);
  container.register(SYNC_METRICS, { useToken: SyncerMetrics });
  container.register(WORKQUEUE_METRICS_PROVIDER, { useToken: SyncerMetrics });
}
