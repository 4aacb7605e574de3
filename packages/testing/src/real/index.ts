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
