import {
  type Clock,
  classifyError,
  type HealthCheck,
  type HealthCheckResult,
  type HealthEndpoint,
  type HeartbeatReporter,
  type KubeClient,
  SYSTEM_CLOCK,
  type SyncMetrics,
  type SyncStatus,
} from '@kcp-tmc/interfaces';

const ALL: readonly HealthEndpoint[] = ['healthz', 'readyz', 'livez'];
/** Dependencies decide readiness, never liveness: restarting the agent does not heal a remote cluster. */
const READINESS: readonly HealthEndpoint[] = ['healthz', 'readyz'];
/** A stuck worker is fixed by a restart. */
const LIVENESS: readonly HealthEndpoint[] = ['healthz', 'livez'];

const ok: HealthCheckResult = { healthy: true };
const failed = (message: string): HealthCheckResult => ({ healthy: false, message });

/** Always healthy: proves the server answers (kube-apiserver's `ping`). */
export function pingCheck(): HealthCheck {
  return { name: 'ping', endpoints: ALL, check: () => ok };
}

export interface ConnectionCheckOptions {
  name: string;
  /** Resolves when the remote side answered; rejects otherwise. Must honour the signal. */
  probe: (signal: AbortSignal) => Promise<void>;
  timeoutMs?: number;
  endpoints?: readonly HealthEndpoint[];
  /** Told each result, e.g. to feed the `syncer_connected` gauge. */
  onResult?: (healthy: boolean) => void;
}

/** Runs a cheap request against a dependency on every evaluation, bounded by a timeout. */
export function connectionCheck(options: ConnectionCheckOptions): HealthCheck {
  const timeoutMs = options.timeoutMs ?? 3_000;
  return {
    name: options.name,
    endpoints: options.endpoints ?? READINESS,
    async check() {
      let result: HealthCheckResult;
      try {
        await options.probe(AbortSignal.timeout(timeoutMs));
        result = ok;
      } catch (err) {
        result = failed(classifyError(err).message);
      }
      options.onResult?.(result.healthy);
      return result;
    },
  };
}

export interface KubeConnectionCheckOptions {
  name: string;
  client: KubeClient;
  /** Below the client's base URL; `/version` is cheap and readable by anyone on a standard API server. */
  path?: string;
  timeoutMs?: number;
  side?: 'upstream' | 'downstream';
  metrics?: SyncMetrics;
}

/**
 * A connection check for a Kubernetes API: any answer but a 5xx or a 401 proves the server is reachable with
 * our credentials (a 404 or 403 under a virtual workspace base still does).
 */
export function kubeConnectionCheck(options: KubeConnectionCheckOptions): HealthCheck {
  const path = options.path ?? '/version';
  const init: ConnectionCheckOptions = {
    name: options.name,
    async probe(signal) {
      const timeout = options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs };
      const response = await options.client.request(path, { method: 'GET', signal, ...timeout });
      await response.body?.cancel();
      if (response.status >= 500 || response.status === 401) {
        throw new Error(`GET ${path}: HTTP ${response.status}`);
      }
    },
  };
  if (options.timeoutMs !== undefined) init.timeoutMs = options.timeoutMs;
  const { side, metrics } = options;
  if (side !== undefined && metrics !== undefined)
    init.onResult = (healthy) => metrics.setConnected(side, healthy);
  return connectionCheck(init);
}

export interface LastContactCheckOptions {
  name: string;
  /** When the dependency last answered (ms since epoch), or undefined if never. */
  lastContact: () => number | undefined;
  maxAgeMs: number;
  clock?: Clock;
  endpoints?: readonly HealthEndpoint[];
}

/** Healthy while the last successful contact is recent; costs no request. */
export function lastContactCheck(options: LastContactCheckOptions): HealthCheck {
  const clock = options.clock ?? SYSTEM_CLOCK;
  return {
    name: options.name,
    endpoints: options.endpoints ?? READINESS,
    check() {
      const last = options.lastContact();
      if (last === undefined) return failed('no successful contact yet');
      const age = clock.now() - last;
      if (age > options.maxAgeMs) {
        return failed(
          `last successful contact ${Math.round(age / 1000)}s ago (limit ${options.maxAgeMs / 1000}s)`,
        );
      }
      return ok;
    },
  };
}

/** Healthy while the SyncTarget heartbeat the server accepted last is younger than `maxAgeMs`. */
export function heartbeatCheck(
  reporter: Pick<HeartbeatReporter, 'lastHeartbeat'>,
  options: { maxAgeMs: number; clock?: Clock; name?: string },
): HealthCheck {
  const init: LastContactCheckOptions = {
    name: options.name ?? 'heartbeat',
    lastContact: () => reporter.lastHeartbeat(),
    maxAgeMs: options.maxAgeMs,
  };
  if (options.clock !== undefined) init.clock = options.clock;
  return lastContactCheck(init);
}

/** Ready once every resource controller's caches have synced. */
export function resourceControllersCheck(options: {
  /** Per controller (e.g. GVR) whether its informers have synced. */
  synced: () => Record<string, boolean> | Promise<Record<string, boolean>>;
  name?: string;
}): HealthCheck {
  return {
    name: options.name ?? 'resource-controllers',
    endpoints: READINESS,
    async check() {
      const state = await options.synced();
      const pending = Object.entries(state)
        .filter(([, synced]) => !synced)
        .map(([name]) => name);
      if (pending.length === 0) return ok;
      return failed(`not synced: ${pending.sort().join(', ')}`);
    },
  };
}

/**
 * Not ready while a resource of the sync set is denied (its access review failed): the agent runs, but objects
 * of that resource never reach the downstream. The message names each and what to grant. Resources dropped for
 * other reasons (not served downstream; Events, which kcp's own RBAC does not grant) do not count.
 */
export function deniedResourcesCheck(options: {
  status: () => Pick<SyncStatus, 'droppedResources' | 'unauthorizedResources'>;
  name?: string;
}): HealthCheck {
  return {
    name: options.name ?? 'resource-access',
    endpoints: READINESS,
    check() {
      const { droppedResources = {}, unauthorizedResources = [] } = options.status();
      if (unauthorizedResources.length === 0) return ok;
      return failed(
        `access denied, not synced: ${[...unauthorizedResources]
          .sort()
          .map((name) => `${name} (${droppedResources[name] ?? 'denied'})`)
          .join('; ')}`,
      );
    },
  };
}

export interface QueueStats {
  depth: number;
  /** Seconds the longest-running worker has spent on its current key (0 when idle). */
  longestRunningSeconds: number;
}

/** Fails liveness when a worker has been on one key for longer than `maxProcessingSeconds`. */
export function stuckQueueCheck(options: {
  stats: () => QueueStats | Promise<QueueStats>;
  maxProcessingSeconds?: number;
  name?: string;
}): HealthCheck {
  const limit = options.maxProcessingSeconds ?? 600;
  return {
    name: options.name ?? 'work-queue',
    endpoints: LIVENESS,
    async check() {
      const { depth, longestRunningSeconds } = await options.stats();
      if (longestRunningSeconds > limit) {
        return failed(
          `a worker has been processing one key for ${Math.round(longestRunningSeconds)}s (limit ${limit}s), ${depth} keys waiting`,
        );
      }
      return ok;
    },
  };
}
