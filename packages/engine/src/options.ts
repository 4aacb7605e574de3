import { type GVR, type UpstreamMode } from '@kcp-tmc/interfaces';

export interface EngineOptions {
  /** Default `virtual-workspace`. */
  upstreamMode?: UpstreamMode;
  /**
   * `--resources` as GVRs. Plain mode syncs them besides configmaps and secrets; kcp modes ignore them here
   * (kcp's syncer only imports them: see ApiImporter) and follow the SyncTarget's accepted resources.
   */
  resources?: readonly GVR[];
  /**
   * Logical cluster the SyncTarget is read from. Default: the SyncTarget's own cluster in kcp modes, the
   * client's base in plain mode.
   */
  syncTargetCluster?: string;
  /** Also watch downstream Events and hand them to the EVENT_SYNCER, when one is registered (default true). */
  syncEvents?: boolean;
  /**
   * The cluster name the downstream informers key objects under (they carry no `kcp.io/cluster`); default
   * `default`, as @kcp-tmc/kube's informers use.
   */
  downstreamCluster?: string;
  /** Re-check GVRs dropped by a denied or failed SelfSubjectAccessReview this often (ms; default 60 s). */
  accessRecheckMs?: number;
}
