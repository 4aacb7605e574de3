import {
  CLOCK,
  type Clock,
  DEFAULT_HEALTH_CONFIG,
  DEFAULT_HEARTBEAT_CONFIG,
  DOWNSTREAM_KUBE_CLIENT,
  HEALTH_CHECK,
  HEALTH_CONFIG,
  HEALTH_MANAGER,
  HEARTBEAT_CONFIG,
  HEARTBEAT_REPORTER,
  type HealthCheck,
  type HealthConfig,
  type HeartbeatConfig,
  type HeartbeatReporter,
  type KubeClient,
  SYNC_METRICS,
  type SyncMetrics,
  UPSTREAM_KUBE_CLIENT,
} from '@kcp-tmc/interfaces';
import { type DependencyContainer, type InjectionToken, instanceCachingFactory } from 'tsyringe';
import { heartbeatCheck, kubeConnectionCheck } from './checks.js';
import { ComponentHealthManager } from './manager.js';

export interface HealthRegistrationOptions {
  /** Bound as HEALTH_CONFIG, over DEFAULT_HEALTH_CONFIG. */
  config?: Partial<HealthConfig>;
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

/** The heartbeat period where a heartbeat config is bound (registerHeartbeat binds it), kcp's default otherwise. */
function heartbeatPeriodMs(container: DependencyContainer): number {
  return (
    optional<Partial<HeartbeatConfig>>(container, HEARTBEAT_CONFIG)?.periodMs ??
    DEFAULT_HEARTBEAT_CONFIG.periodMs
  );
}

/**
 * Binds HEALTH_CONFIG, HEALTH_MANAGER (one ComponentHealthManager per container) and the standard HEALTH_CHECKs.
 * The checks read UPSTREAM_KUBE_CLIENT, DOWNSTREAM_KUBE_CLIENT, SYNC_METRICS, HEARTBEAT_REPORTER and the
 * heartbeat period (HEARTBEAT_CONFIG) when first resolved, so the packages binding those may register before or
 * after this.
 */
export function registerHealth(
  container: DependencyContainer,
  options: HealthRegistrationOptions = {},
): void {
  const config: HealthConfig = { ...DEFAULT_HEALTH_CONFIG, ...options.config };
  container.register(HEALTH_CONFIG, { useValue: config });
  if (options.standardChecks ?? true) {
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
          timeoutMs: config.checkTimeoutMs,
        }),
      );
    }
    check((c) => {
      const maxAgeMs = options.heartbeatMaxAgeMs ?? 3 * heartbeatPeriodMs(c);
      const clock = optional<Clock>(c, CLOCK);
      const reporter = c.resolve<HeartbeatReporter>(HEARTBEAT_REPORTER);
      return heartbeatCheck(reporter, clock === undefined ? { maxAgeMs } : { maxAgeMs, clock });
    });
  }
  container.registerSingleton(HEALTH_MANAGER, ComponentHealthManager);
}
