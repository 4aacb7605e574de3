import {
  DEFAULT_HEALTH_CONFIG,
  HEALTH_CHECK,
  HEALTH_CONFIG,
  type HealthCheck,
  type HealthCheckResult,
  type HealthConfig,
  type HealthEndpoint,
  type HealthManager,
  type HealthReport,
  LOGGER,
  type Logger,
  NOOP_LOGGER,
} from '@kcp-tmc/interfaces';
import { inject, injectAll, injectable } from 'tsyringe';

export interface EvaluateOptions {
  /** Check names to skip, reported as `excluded` (kube-apiserver's `?exclude=`). */
  exclude?: readonly string[];
}

export type CheckOutcome = { readonly name: string; readonly excluded?: boolean } & HealthCheckResult;

export interface DetailedHealthReport extends HealthReport {
  readonly checks: readonly CheckOutcome[];
  /** Names asked to be excluded that no check has. */
  readonly unknownExclusions: readonly string[];
}

/**
 * Holds the component checks and evaluates them per endpoint, all at once, each bounded by a timeout so one
 * hung dependency never hangs a probe. A check that throws or times out counts as failed, with why.
 */
@injectable()
export class ComponentHealthManager implements HealthManager {
  private readonly checks = new Map<string, HealthCheck>();
  private readonly timeoutMs: number;

  constructor(
    // Optional: checks may also be added later through register() (the agent adds the engine's at start).
    @injectAll(HEALTH_CHECK, { isOptional: true }) checks: readonly HealthCheck[] = [],
    // Optional: the default check timeout applies outside registerHealth.
    @inject(HEALTH_CONFIG, { isOptional: true }) config: Partial<HealthConfig> = {},
    // Optional: a container without a logger stays silent.
    @inject(LOGGER, { isOptional: true }) private readonly logger: Logger = NOOP_LOGGER,
  ) {
    this.timeoutMs = config.checkTimeoutMs ?? DEFAULT_HEALTH_CONFIG.checkTimeoutMs;
    for (const check of checks) this.register(check);
  }

  register(check: HealthCheck): void {
    if (this.checks.has(check.name))
      throw new Error(`a health check named ${check.name} is already registered`);
    this.checks.set(check.name, check);
  }

  unregister(name: string): boolean {
    return this.checks.delete(name);
  }

  /** The checks that count for `endpoint`, in registration order. */
  checksFor(endpoint: HealthEndpoint): HealthCheck[] {
    return [...this.checks.values()].filter((c) => c.endpoints.includes(endpoint));
  }

  evaluate(endpoint: HealthEndpoint, options: EvaluateOptions = {}): Promise<DetailedHealthReport> {
    return this.evaluateChecks(endpoint, this.checksFor(endpoint), options);
  }

  /** Runs one check by name (kube-apiserver's `/healthz/<name>`); undefined when no such check counts there. */
  async evaluateOne(endpoint: HealthEndpoint, name: string): Promise<CheckOutcome | undefined> {
    const check = this.checksFor(endpoint).find((c) => c.name === name);
    return check === undefined ? undefined : { name, ...(await this.run(check)) };
  }

  private async evaluateChecks(
    endpoint: HealthEndpoint,
    checks: HealthCheck[],
    options: EvaluateOptions,
  ): Promise<DetailedHealthReport> {
    const excluded = new Set(options.exclude ?? []);
    const outcomes = await Promise.all(
      checks.map(async (check): Promise<CheckOutcome> => {
        if (excluded.has(check.name)) return { name: check.name, healthy: true, excluded: true };
        return { name: check.name, ...(await this.run(check)) };
      }),
    );
    const known = new Set(checks.map((c) => c.name));
    const failed = outcomes.filter((o) => !o.healthy);
    if (failed.length > 0) {
      this.logger.debug(
        `${endpoint} check failed`,
        { failed: failed.map((o) => `${o.name}: ${o.message ?? 'failed'}`) },
        2,
      );
    }
    return {
      healthy: failed.length === 0,
      checks: outcomes,
      unknownExclusions: [...excluded].filter((name) => !known.has(name)),
    };
  }

  private async run(check: HealthCheck): Promise<HealthCheckResult> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<HealthCheckResult>((resolve) => {
      timer = setTimeout(
        () => resolve({ healthy: false, message: `no answer within ${this.timeoutMs} ms` }),
        this.timeoutMs,
      );
      timer.unref?.();
    });
    try {
      return await Promise.race([Promise.resolve().then(() => check.check()), timeout]);
    } catch (err) {
      return { healthy: false, message: err instanceof Error ? err.message : String(err) };
    } finally {
      clearTimeout(timer);
    }
  }
}
