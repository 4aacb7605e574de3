import { SYNC_METRICS, WORKQUEUE_METRICS_PROVIDER } from '@kcp-tmc/interfaces';
import type { DependencyContainer } from 'tsyringe';
import { SyncerMetrics } from './registry.js';

/**
 * Binds one SyncerMetrics per container as SYNC_METRICS and WORKQUEUE_METRICS_PROVIDER, also resolvable by its
 * class for the /metrics listener. Process metrics follow HEARTBEAT_CONFIG's `processMetrics` when bound.
 */
export function registerMetrics(container: DependencyContainer): void {
  container.registerSingleton(SyncerMetrics);
  container.register(SYNC_METRICS, { useToken: SyncerMetrics });
  container.register(WORKQUEUE_METRICS_PROVIDER, { useToken: SyncerMetrics });
}
