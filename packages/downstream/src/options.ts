import type { RetentionRule } from './retain/rule.js';

export interface DownstreamOptions {
  /**
   * Address upstream objects (finalizer, Events) under `/clusters/<logical cluster>`: true in both kcp modes
   * (default), false for a plain Kubernetes upstream.
   */
  readonly upstreamByCluster?: boolean;
  /** The cluster name downstream informers key objects under (default `default`, as @kcp-tmc/kube). */
  readonly downstreamCluster?: string;
  /** Objects larger than this (JSON bytes) are Invalid and not retried (default 1.5 MiB). */
  readonly maxObjectBytes?: number;
  /** Retention rules added after the defaults. */
  readonly retentionRules?: readonly RetentionRule[];
  /** How long to wait before re-checking an object still terminating downstream (ms, default 1000). */
  readonly deleteRecheckMs?: number;
}
