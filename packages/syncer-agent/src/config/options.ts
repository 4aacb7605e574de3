import type { FeatureGates, GVR } from '@kcp-tmc/interfaces';

export type UpstreamMode = 'virtual-workspace' | 'wildcard' | 'plain';
export const UPSTREAM_MODES: readonly UpstreamMode[] = ['virtual-workspace', 'wildcard', 'plain'];

export interface ListenAddress {
  readonly host: string;
  readonly port: number;
}

/** Everything `syncer-agent run` needs, after flags, environment, config file and defaults are merged. */
export interface AgentOptions {
  /** Upstream (kcp) kubeconfig file; client-node's defaults when absent. */
  readonly fromKubeconfig?: string;
  readonly fromContext?: string;
  /** Logical cluster of the SyncTarget (kcp modes). */
  readonly fromCluster?: string;
  /** Downstream kubeconfig; in-cluster service account (then client-node's defaults) when absent. */
  readonly toKubeconfig?: string;
  readonly toContext?: string;
  readonly syncTargetName: string;
  /** The SyncTarget's uid; read from the SyncTarget at start when absent. */
  readonly syncTargetUid?: string;
  readonly upstreamMode: UpstreamMode;
  /** Synced besides the SyncTarget's accepted `status.syncedResources`. */
  readonly resources: readonly GVR[];
  readonly qps: number;
  readonly burst: number;
  readonly downstreamNamespaceCleanDelayMs: number;
  readonly featureGates: FeatureGates;
  /** null: no metrics listener. */
  readonly metricsBindAddress: ListenAddress | null;
  /** null: no probe listener. */
  readonly healthProbeBindAddress: ListenAddress | null;
  readonly workers: number;
  readonly heartbeatPeriodMs: number;
  readonly shutdownTimeoutMs: number;
  readonly verbosity: number;
  /** The config file the options were read from, if any. */
  readonly config?: string;
}
