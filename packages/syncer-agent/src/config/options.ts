import type { FeatureGates, GVR, UpstreamMode } from '@kcp-tmc/interfaces';
import type { TunnelProtocol } from './tunnel-flags.js';

// The upstream modes are @kcp-tmc/interfaces' (one list for the engine, upstream and the flags).
export { UPSTREAM_MODES } from '@kcp-tmc/interfaces';

/** kcp syncer's `--api-import-poll-interval` default (cmd/syncer/options/options.go). */
export const DEFAULT_API_IMPORT_POLL_INTERVAL_MS = 60_000;

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
  /**
   * `--resources` as kcp's syncer reads them: `resource.group` names (`deployments.apps`, `services`) whose
   * downstream schemas are imported into kcp (kcp: cmd/syncer/options, pkg/syncer/apiimporter.go). None when
   * absent.
   */
  readonly resourcesToImport?: readonly string[];
  /** The `--resources` whose version is known here (`apps` is v1), for consumers that need a GVR. */
  readonly resources: readonly GVR[];
  /**
   * `--api-import-poll-interval`: how often the API importer polls the downstream's schemas
   * (DEFAULT_API_IMPORT_POLL_INTERVAL_MS when absent).
   */
  readonly apiImportPollIntervalMs?: number;
  /**
   * Run kcp's API importer in kcp modes (default true). Not a flag: kcp's syncer always imports; embedders whose
   * downstream serves no OpenAPI (the demo's simulator) and whose SyncTarget has its resources accepted already
   * turn it off.
   */
  readonly apiImport?: boolean;
  /** `--dns-image`: the per-workspace DNS server's image. */
  readonly dnsImage?: string;
  /** The agent's own downstream namespace: the `NAMESPACE` env the generated Deployment sets by fieldRef. */
  readonly syncerNamespace?: string;
  /** As given: 0 means client-go's default (5), negative means no client-side limit. See transportLimits. */
  readonly qps: number;
  /** As given: 0 means client-go's default (10). */
  readonly burst: number;
  readonly downstreamNamespaceCleanDelayMs: number;
  /** `--removal-grace`: the engine's wait before deleting a copy whose upstream object left (0: at once). */
  readonly removalGraceMs?: number;
  /** `--on-sync-target-deleted`: exit 1 (default), or stop writing and wait for it to be created again. */
  readonly onSyncTargetDeleted?: 'exit' | 'wait';
  readonly featureGates: FeatureGates;
  /** null: no metrics listener. */
  readonly metricsBindAddress: ListenAddress | null;
  /** null: no probe listener. */
  readonly healthProbeBindAddress: ListenAddress | null;
  /** `--profiling`: CPU and heap profiles under /debug/pprof/ on the probe listener. */
  readonly profiling?: boolean;
  readonly workers: number;
  readonly heartbeatPeriodMs: number;
  /** `--shutdown-timeout`: the whole shutdown, in-flight work and closing (see drainBudgetMs). */
  readonly shutdownTimeoutMs: number;
  /** `--tunnel`: kcp's syncer tunnel or our WebSocket tunnel; absent: by upstream mode (tunnelProtocolOf). */
  readonly tunnel?: TunnelProtocol;
  /** `--tunnel-exec`: forward exec, attach and port-forward through the tunnel, not only logs. */
  readonly tunnelExec?: boolean;
  /** `--leader-elect` and its periods; absent: a single replica that always writes. */
  readonly leaderElection?: LeaderElectionOptions;
  readonly verbosity: number;
  /** `--logging-format`; the logger picks (text on a terminal, JSON lines otherwise) when absent. */
  readonly loggingFormat?: 'text' | 'json';
  /** The config file the options were read from, if any. */
  readonly config?: string;
}

export interface LeaderElectionOptions {
  readonly leaseDurationMs: number;
  readonly renewDeadlineMs: number;
  readonly retryPeriodMs: number;
  /** The Lease's namespace; default the agent's own (syncerNamespace). */
  readonly namespace?: string;
  /** The Lease's name; default derived from the SyncTarget. */
  readonly name?: string;
}

/**
 * The transport's token bucket for kcp's `--qps`/`--burst`, read as client-go reads rest.Config: QPS 0 and
 * burst 0 take client-go's defaults (5 and 10), a negative QPS turns the client-side limiter off (our
 * transport's qps 0).
 */
export function transportLimits(options: Pick<AgentOptions, 'qps' | 'burst'>): {
  qps: number;
  burst: number;
} {
  const qps = options.qps === 0 ? 5 : Math.max(options.qps, 0);
  return { qps, burst: options.burst === 0 ? 10 : options.burst };
}

/**
 * Of `--shutdown-timeout`, the part in-flight work may take: the rest (2 s, or a quarter of a shorter timeout)
 * closes informers, connections and listeners, so the process exits within the timeout.
 */
export function drainBudgetMs(shutdownTimeoutMs: number): number {
  return shutdownTimeoutMs - Math.min(2_000, shutdownTimeoutMs / 4);
}
