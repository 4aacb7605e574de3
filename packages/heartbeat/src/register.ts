import {
  DEFAULT_HEARTBEAT_CONFIG,
  FAILURE_REPORTER,
  HEARTBEAT_CONFIG,
  HEARTBEAT_REPORTER,
  type HeartbeatConfig,
  type KubeClient,
  UPSTREAM_KUBE_CLIENT,
} from '@kcp-tmc/interfaces';
import type { DependencyContainer } from 'tsyringe';
import { FailureHandler } from './errors/reporter.js';
import { SyncTargetHeartbeat } from './heartbeat/heartbeat.js';
import { HEARTBEAT_KUBE_CLIENT } from './tokens.js';

export interface HeartbeatRegistrationOptions {
  config?: Partial<HeartbeatConfig>;
  /**
   * A dedicated upstream client for heartbeats and conditions (kcp's syncer gives the heartbeat its own
   * clientset), so the workers' rate limiter never delays a beat; bound as HEARTBEAT_KUBE_CLIENT. Defaults to
   * UPSTREAM_KUBE_CLIENT.
   */
  heartbeatClient?: KubeClient;
}

/**
 * Binds this package's defaults: HEARTBEAT_CONFIG, HEARTBEAT_REPORTER and FailureHandler (by class, and as
 * FAILURE_REPORTER). Each is one instance per container. Needs SYNC_TARGET and UPSTREAM_KUBE_CLIENT; beats and
 * failed condition writes are counted where SYNC_METRICS is bound (@kcp-tmc/metrics' registerMetrics).
 */
export function registerHeartbeat(
  container: DependencyContainer,
  options: HeartbeatRegistrationOptions = {},
): void {
  const config: HeartbeatConfig = { ...DEFAULT_HEARTBEAT_CONFIG, ...options.config };
  container.register(HEARTBEAT_CONFIG, { useValue: config });

  const { heartbeatClient } = options;
  if (heartbeatClient === undefined)
    container.register(HEARTBEAT_KUBE_CLIENT, { useToken: UPSTREAM_KUBE_CLIENT });
  else container.register(HEARTBEAT_KUBE_CLIENT, { useValue: heartbeatClient });
  container.registerSingleton(HEARTBEAT_REPORTER, SyncTargetHeartbeat);

  container.registerSingleton(FailureHandler);
  // The engine reports what it gives up on through this token: an Event upstream, and a condition where due.
  container.register(FAILURE_REPORTER, { useToken: FailureHandler });
}
