import { CONFIGMAPS_GVR, type GVR, SECRETS_GVR } from './gvr.js';

/**
 * How the upstream is reached (ARCHITECTURE.md, topology): the kcp syncer virtual workspace (which already
 * shows only objects in state `Sync`) and the kcp wildcard view address objects below
 * `/clusters/<logical cluster>`; a plain Kubernetes cluster has no such prefix.
 */
export type UpstreamMode = 'virtual-workspace' | 'wildcard' | 'plain';
export const UPSTREAM_MODES: readonly UpstreamMode[] = Object.freeze([
  'virtual-workspace',
  'wildcard',
  'plain',
]);

export interface EngineConfig {
  /** Workers processing the queue in parallel. */
  workerCount: number;
  /** Every cached object is re-queued this often (ms); 0 disables. */
  resyncPeriodMs: number;
  /** Failures in a row after which a key is dropped and reported; 0 retries forever. */
  maxRetries: number;
  /** Overall token bucket of the queue's rate limiter. */
  rateLimitPerSec: number;
  burst: number;
  /** Queue depth beyond which `add` reports backpressure in metrics (keys are never dropped). */
  queueDepth: number;
  /** How long `start()` waits for the caches to sync before failing with a clear error (ms). */
  cacheSyncTimeoutMs: number;
  /** How long `stop()` lets in-flight work finish before handing keys back (ms). */
  shutdownTimeoutMs: number;
  /**
   * Wait before removing a downstream copy whose upstream object left this SyncTarget (ms); 0 (kcp's syncer)
   * removes it at once.
   */
  removalGraceMs?: number;
}

export const DEFAULT_ENGINE_CONFIG: Readonly<EngineConfig> = Object.freeze({
  workerCount: 4,
  resyncPeriodMs: 10 * 60 * 60 * 1000,
  maxRetries: 0,
  rateLimitPerSec: 10,
  burst: 100,
  queueDepth: 100_000,
  cacheSyncTimeoutMs: 60_000,
  shutdownTimeoutMs: 30_000,
});

/** How the downstream syncer writes one GVR. */
export type ApplyStrategy = 'server-side-apply' | 'update' | 'merge' | 'create-only' | 'read-only';

export type DeletionPropagation = 'Foreground' | 'Background' | 'Orphan';

export interface DownstreamConfig {
  /** Re-read and retry this often on a write conflict before reporting it. */
  conflictRetries: number;
  /** Per GVR (keyed by `gvrToString`); others use `defaultStrategy`. */
  strategies: Record<string, ApplyStrategy>;
  defaultStrategy: ApplyStrategy;
  /** JSON paths (`spec.replicas`) whose downstream value is always kept. */
  preserveFields: string[];
  /** JSON paths the differ ignores. */
  ignoreFields: string[];
  deletionPropagation: DeletionPropagation;
  /** The field manager of server-side apply. */
  fieldManager: string;
  /** Take over same-named downstream objects without our ownership label (off: report a conflict). */
  adoptExisting: boolean;
  /** Empty downstream namespaces are deleted after this delay (ms). */
  namespaceCleanDelayMs: number;
  /** Downstream namespace naming: kcp's hashed names (default) or readable `kcp-<cluster>-<ns>`. */
  namespaceNaming: 'hashed' | 'readable';
}

export const DEFAULT_DOWNSTREAM_CONFIG: Readonly<DownstreamConfig> = Object.freeze({
  conflictRetries: 3,
  strategies: {},
  defaultStrategy: 'server-side-apply',
  preserveFields: [],
  ignoreFields: [],
  deletionPropagation: 'Background',
  // kcp's syncer applies as `syncer` (pkg/syncer/spec/spec_process.go): taking its objects over keeps their owner.
  fieldManager: 'syncer',
  adoptExisting: false,
  namespaceCleanDelayMs: 30_000,
  namespaceNaming: 'hashed',
});

/** The resources an agent syncs besides the SyncTarget's `status.syncedResources`. */
export const ALWAYS_SYNCED_RESOURCES: readonly GVR[] = Object.freeze([CONFIGMAPS_GVR, SECRETS_GVR]);

/** The heartbeat package's knobs. */
export interface HeartbeatConfig {
  /** How often the SyncTarget heartbeat is sent (ms); kcp's syncer uses 20 s. */
  periodMs: number;
  /** Wait between attempts after a failed heartbeat (ms); kcp's syncer uses 1 s. */
  retryIntervalMs: number;
  /** Timeout of each heartbeat or condition request (ms). */
  requestTimeoutMs: number;
  /**
   * Address the SyncTarget under `/clusters/<SyncTargetRef.cluster>` (kcp modes); false addresses it at the
   * client's own base (plain Kubernetes).
   */
  clusterScoped: boolean;
}

export const DEFAULT_HEARTBEAT_CONFIG: Readonly<HeartbeatConfig> = Object.freeze({
  periodMs: 20_000,
  retryIntervalMs: 1_000,
  requestTimeoutMs: 10_000,
  clusterScoped: true,
});

/** The health package's knobs. */
export interface HealthConfig {
  /** A health check that has not answered after this long counts as failed (ms). */
  checkTimeoutMs: number;
}

export const DEFAULT_HEALTH_CONFIG: Readonly<HealthConfig> = Object.freeze({ checkTimeoutMs: 5_000 });

/** The metrics package's knobs. */
export interface MetricsConfig {
  /** Add Node's process metrics (`process_*`, `nodejs_*`) to the agent's registry. */
  processMetrics: boolean;
}

export const DEFAULT_METRICS_CONFIG: Readonly<MetricsConfig> = Object.freeze({ processMetrics: true });
