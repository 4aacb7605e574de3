export {
  KCP_BINS_ENV,
  type KcpBinaries,
  KUBE_BINS_ENV,
  KUBECTL_ENV,
  type KubeBinaries,
  type KubectlBinary,
  type ResolveKcpBinariesOptions,
  type ResolveKubeBinariesOptions,
  type ResolveKubectlOptions,
  realKcpUnavailable,
  resolveKcpBinaries,
  resolveKubeBinaries,
  resolveKubectl,
} from './binaries.js';
export {
  RealApiserverStartError,
  RealApiserverUnavailableError,
  type RealApiserverUnavailableReason,
} from './errors.js';
export { type RealKcp, type RealKcpOptions, type RealKcpWorkspace, startRealKcp } from './kcp.js';
export { type SyncerKind, type SyncerProcess, type SyncerProcessOptions, startSyncer } from './kcp-syncer.js';
export {
  agentCliPath,
  type BindComputeOptions,
  bindCompute,
  createObjects,
  type GeneratedSyncer,
  KUBERNETES_ENDPOINTS,
  kubectlKcp,
  type ManifestObject,
  serveDnsEndpoints,
  type WorkloadSyncOptions,
  waitForSyncedResources,
  workloadSync,
} from './kcp-workload.js';
export {
  type AddedSyncTarget,
  type KcpWorld,
  type KcpWorldOptions,
  startKcpWorld,
  waitForNamespaceState,
  whileRunning,
} from './kcp-world.js';
export {
  type RealKubeApiserver,
  type RealKubeApiserverOptions,
  startRealKubeApiserver,
} from './kube-apiserver.js';
export {
  installCrd,
  type RealJsonResponse,
  type RealServerSpec,
  type RealServers,
  realRequest,
  SYNC_TARGET_CRD,
  startRealServers,
} from './plain-upstream.js';
