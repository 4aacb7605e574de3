/** What a conformance target can do beyond a bare kube-apiserver; cases needing more are skipped. */
export interface Capabilities {
  /** A namespace controller runs: deleting a namespace removes its contents and then the namespace. */
  namespaceCascade?: boolean;
  /** A garbage collector runs: dependents are deleted through ownerReferences. */
  garbageCollection?: boolean;
  /** kcp logical clusters under `/clusters/<name>` and wildcard `/clusters/*` requests. */
  kcp?: boolean;
  /** kcp syncer virtual workspaces for SyncTargets (`/services/syncer/...`). */
  syncerVirtualWorkspace?: boolean;
  /** workload.kcp.io/v1alpha1 SyncTarget is served. */
  syncTargets?: boolean;
  /**
   * A namespace keeps a hand-set `state.workload.kcp.io/<key>: Sync` label without any Placement: no kcp namespace
   * scheduler runs (the simulator). Real kcp marks such a namespace removing and drops the label after 5 s
   * (pkg/reconciler/workload/namespace/namespace_reconcile_scheduling.go), so nothing stays selected.
   */
  handSetNamespaceState?: boolean;
  /** How long a watch bookmark may take to arrive before a request's timeout (ms). */
  bookmarkWithinMs?: number;
  /** The target can compact watch history on demand (forces 410 Expired). */
  compact?: () => Promise<void>;
}

/**
 * kcp with TMC and one SyncTarget, as `kubectl kcp workload sync` leaves it: what the syncer virtual workspace
 * cases need. The simulator in kcp mode and a real kcp v0.11 (packages/testing/src/real) both implement it; the
 * cases act as that SyncTarget's syncer through its virtual workspace, with the syncer's own credentials.
 */
export interface KcpSyncTargetTarget {
  /** Logical cluster (path or name) holding the SyncTarget, its Placement and the workloads, e.g. `root:org`. */
  cluster: string;
  syncTargetName: string;
  syncTargetUid: string;
  /** The SyncTarget's key, as its label `internal.workload.kcp.io/key` carries it. */
  syncTargetKey: string;
  /** `status.virtualWorkspaces[0].syncerURL`: `https://<kcp>/services/syncer/<cluster>/<name>/<uid>`. */
  syncerURL: string;
  /** The syncer's token kubeconfig (its server is kcp's base URL, no `/clusters` path). */
  syncerKubeconfig: string;
  /** kcp's --sync-target-heartbeat-threshold, in ms. */
  heartbeatThresholdMs: number;
  /**
   * Resources Accepted in the SyncTarget's `status.syncedResources`, as `group/version/resource`
   * (`apps/v1/deployments`, core ones `v1/services`); the virtual workspace serves them besides namespaces, configmaps, secrets and
   * serviceaccounts.
   */
  syncedResources: string[];
  /**
   * Creates a namespace in `cluster` and resolves once kcp scheduled it onto the SyncTarget (the namespace
   * carries `state.workload.kcp.io/<key>: Sync`). On real kcp this needs the Placement that `kubectl kcp bind
   * compute` creates and a Ready SyncTarget: implementations heartbeat as the syncer while they wait.
   */
  placeNamespace(name: string): Promise<void>;
  /**
   * Creates a namespace in `cluster` that kcp does not schedule onto the SyncTarget (real kcp: one the
   * Placement's namespaceSelector excludes).
   */
  createUnplacedNamespace(name: string): Promise<void>;
}

export interface ConformanceTarget {
  /** Kubeconfig (YAML or JSON) whose current context reaches the server with full rights. */
  kubeconfig: string;
  /**
   * kcp: two logical cluster paths the suite may use (created by the target, or created on use), and the
   * SyncTarget the syncer virtual workspace cases use (capability `syncerVirtualWorkspace`).
   */
  kcp?: { clusters: [string, string]; syncTarget?: KcpSyncTargetTarget };
  capabilities: Capabilities;
  /** Called after the suite (stop servers, remove files). */
  dispose?: () => Promise<void>;
}

export type TargetFactory = () => Promise<ConformanceTarget>;
