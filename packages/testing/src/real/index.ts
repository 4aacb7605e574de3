export {
  KUBE_BINS_ENV,
  type KubeBinaries,
  type ResolveKubeBinariesOptions,
  resolveKubeBinaries,
} from './binaries.js';
export {
  RealApiserverStartError,
  RealApiserverUnavailableError,
  type RealApiserverUnavailableReason,
} from './errors.js';
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
