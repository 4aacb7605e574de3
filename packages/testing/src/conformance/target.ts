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
  /** How long a watch bookmark may take to arrive before a request's timeout (ms). */
  bookmarkWithinMs?: number;
  /** The target can compact watch history on demand (forces 410 Expired). */
  compact?: () => Promise<void>;
}

export interface ConformanceTarget {
  /** Kubeconfig (YAML or JSON) whose current context reaches the server with full rights. */
  kubeconfig: string;
  /** kcp: two logical cluster paths the suite may use (created by the target, or created on use). */
  kcp?: { clusters: [string, string] };
  capabilities: Capabilities;
  /** Called after the suite (stop servers, remove files). */
  dispose?: () => Promise<void>;
}

export type TargetFactory = () => Promise<ConformanceTarget>;
