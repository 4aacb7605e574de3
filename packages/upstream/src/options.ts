import { type ObjectScope, type UpstreamMode } from '@kcp-tmc/interfaces';

export interface EventSyncOptions {
  /** Upstream Event writes per second (token bucket refill; default 10). */
  readonly qps?: number;
  /** Bucket size (default 25). */
  readonly burst?: number;
  /** Downstream Events remembered for counting and owner lookups kept (each; default 10,000). */
  readonly maxTracked?: number;
}

export interface UpstreamOptions {
  /** Default `virtual-workspace`, as the engine's. */
  readonly upstreamMode?: UpstreamMode;
  /**
   * The SyncTarget carries `featuregates.experimental.workload.kcp.io/advancedscheduling: "true"` (kcp reads it
   * once at start, pkg/syncer/syncer.go): status goes into the per-target annotation instead of `.status`.
   */
  readonly advancedScheduling?: boolean;
  /** Re-reads after a 409 before the attempt fails as a retryable conflict (default 5). */
  readonly conflictRetries?: number;
  readonly events?: EventSyncOptions;
}

/** Where an upstream object of a logical cluster is addressed in this mode. */
export function upstreamScope(mode: UpstreamMode, cluster: string, namespace: string): ObjectScope {
  const scope: ObjectScope = { namespace };
  if (mode !== 'plain' && cluster !== '') scope.cluster = cluster;
  return scope;
}
