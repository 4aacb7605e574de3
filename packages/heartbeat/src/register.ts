import {
  CLOCK,
  type Clock,
  DEFAULT_HEARTBEAT_CONFIG,
  DOWNSTREAM_KUBE_CLIENT,
  FAILURE_REPORTER,
  HEALTH_CHECK,
  HEALTH_MANAGER,
  HEARTBEAT_CONFIG,
  HEARTBEAT_REPORTER,
  type HealthCheck,
  type HeartbeatConfig,
  type HeartbeatReporter,
  type KubeClient,
  SYNC_METRICS,
  type SyncMetrics,
  UPSTREAM_KUBE_CLIENT,
  WORKQUEUE_METRICS_PROVIDER,
} from '@kcp-tmc/interfaces';
import { type DependencyContainer, type InjectionToken, instanceCachingFactory } from 'tsyringe';
import { FailureHandler } from './errors/reporter.js';
import { heartbeatCheck, kubeConnectionCheck } from './health/checks.js';
import { ComponentHealthManager } from './health/manager.js';
import { SyncTargetHeartbeat } from './heartbeat/heartbeat.js';
import { SyncerMetrics } from './metrics/registry.js';
import { HEARTBEAT_KUBE_CLIENT } from './tokens.js';

export interface HeartbeatRegistrationOptions {
  config?: Partial<HeartbeatConfig>;
  /**
   * A dedicated upstream client for heartbeats and conditions (kcp's syncer gives the heartbeat its own
   * clientset), so the workers' rate limiter never delays a beat; bound as HEARTBEAT_KUBE_CLIENT. Defaults to
   * UPSTREAM_KUBE_CLIENT.
   */
  heartbeatClient?: KubeClient;
  /**
   * Register the standard checks as HEALTH_CHECK: `upstream` and `downstream` connection (readiness) and
   * `heartbeat` (readiness; stale after `heartbeatMaxAgeMs`). Default true. Resource-controller and stuck-queue
   * checks need the engine: add them with `resourceControllersCheck` / `stuckQueueCheck`.
   */
  standardChecks?: boolean;
  /** Default: three heartbeat periods, kcp's default staleness threshold at the default period. */
  heartbeatMaxAgeMs?: number;
}

function optional<T>(container: DependencyContainer, token: InjectionToken<T>): T | undefined {
  return container.isRegistered(token, true) ? container.resolve<T>(token) : undefined;
}

/**
 * Binds this package's defaults: HEARTBEAT_CONFIG, SYNC_METRICS and WORKQUEUE_METRICS_PROVIDER (one
 * SyncerMetrics, also resolvable by its class for the /metrics listener), HEARTBEAT_REPORTER, HEALTH_MANAGER,
 * the standard HEALTH_CHECKs, and FailureHandler (by class, and as FAILURE_REPORTER). Each is one instance per
 * container. Needs SYNC_TARGET, UPSTREAM_KUBE_CLIENT and (for the standard checks) DOWNSTREAM_KUBE_CLIENT.
 */
export function registerHeartbeat(
  container: DependencyContainer,
  options: HeartbeatRegistrationOptions = {},
): void {
  const config: HeartbeatConfig = { ...DEFAULT_HEARTBEAT_CONFIG, ...options.config };
  container.register(HEARTBEAT_CONFIG, { useValue: config });

  container.registerSingleton(SyncerMetrics);
  container.register(SYNC_METRICS, { useToken: SyncerMetrics });
  container.register(WORKQUEUE_METRICS_PROVIDER, { useToken: SyncerMetrics });

  const { heartbeatClient } = options;
  if (heartbeatClient === undefined)
    container.register(HEARTBEAT_KUBE_CLIENT, { useToken: UPSTREAM_KUBE_CLIENT });
  else container.register(HEARTBEAT_KUBE_CLIENT, { useValue: heartbeatClient });
  container.registerSingleton(HEARTBEAT_REPORTER, SyncTargetHeartbeat);

  if (options.standardChecks ?? true) {
    const maxAgeMs = options.heartbeatMaxAgeMs ?? 3 * config.periodMs;
    const check = (make: (c: DependencyContainer) => HealthCheck) =>
      container.register(HEALTH_CHECK, { useFactory: instanceCachingFactory(make) });
    for (const [side, token] of [
      ['upstream', UPSTREAM_KUBE_CLIENT],
      ['downstream', DOWNSTREAM_KUBE_CLIENT],
    ] as const) {
      check((c) =>
        kubeConnectionCheck({
          name: side,
          client: c.resolve<KubeClient>(token),
          side,
          metrics: c.resolve<SyncMetrics>(SYNC_METRICS),
          timeoutMs: Math.min(config.requestTimeoutMs, config.healthCheckTimeoutMs),
        }),
      );
    }
    check((c) => {
      const clock = optional<Clock>(c, CLOCK);
      const reporter = c.resolve<HeartbeatReporter>(HEARTBEAT_REPORTER);
      return heartbeatCheck(reporter, clock === undefined ? { maxAgeMs } : { maxAgeMs, clock });
    });
  }
  container.registerSingleton(HEALTH_MANAGER, ComponentHealthManager);

  container.registerSingleton(FailureHandler);
  // The engine reports what it gives up on through this token: an Event upstream, and a condition where due.
  container.register(FAILURE_REPORTER, { useToken: FailureHandler });
}
