// tsyringe throws at import without the Reflect metadata API: load it before any module that imports tsyringe,
// so a plain `import '@kcp-tmc/kube'` works (sideEffects in package.json names this file).
import 'reflect-metadata';

export { DynamicClient, PATCH_CONTENT_TYPES } from './client/dynamic-client.js';
export { JsonLinesDecoder } from './client/json-lines.js';
export {
  clusterPrefix,
  groupVersionPath,
  joinUrl,
  queryString,
  type ResourcePath,
  resourcePath,
  WILDCARD_CLUSTER,
} from './client/paths.js';
export { streamWatch } from './client/watch.js';
export {
  ClusterConnection,
  type ClusterConnectionOptions,
  type KubeConfigSource,
  loadKubeConfig,
  type RequestAuth,
} from './config/kubeconfig.js';
export {
  type KubeCluster,
  type KubeConfigData,
  type KubeContext,
  type KubeUser,
  LoadedKubeConfig,
} from './config/kubeconfig-model.js';
export { RestMapper, type RestMapperOptions } from './discovery/rest-mapper.js';
export { Backoff, type BackoffOptions, backoffDelay, DEFAULT_BACKOFF } from './flowcontrol/backoff.js';
export { TokenBucket } from './flowcontrol/token-bucket.js';
export {
  type DeniedAccessHint,
  DeniedAccessLog,
  type DeniedRequest,
  parseDenied,
} from './http/denied-access.js';
export { type RateLimitOptions, TokenBucketRateLimiter } from './http/rate-limiter.js';
export { type RetryOptions, retryDelayMs, shouldRetry } from './http/retry.js';
export {
  DEFAULT_BURST,
  DEFAULT_QPS,
  DEFAULT_TIMEOUT_MS,
  type HttpRequest,
  readError,
  type StreamResponse,
  Transport,
  type TransportOptions,
} from './http/transport.js';
export type { InformerConfig } from './informer/config.js';
export {
  type IndexableInformer,
  KeyedInformerFactory,
  SharedInformerFactory,
} from './informer/factory.js';
export {
  annotationIndexFunc,
  CLUSTER_INDEX,
  labelIndexFunc,
  NAMESPACE_INDEX,
  namespaceIndexFunc,
} from './informer/indexers.js';
export { Reflector, type ReflectorSink, type ReflectorStats } from './informer/reflector.js';
export { SharedInformer } from './informer/shared-informer.js';
export { ObjectStore } from './informer/store.js';
export { SyncGate } from './informer/sync-gate.js';
export { LEASES, LeaseElector, type LeaseElectorOptions } from './leaderelection/lease-elector.js';
export {
  type KubeRegistration,
  type KubeSideOptions,
  type RegisterKubeOptions,
  registerKube,
} from './register.js';
export * from './tokens.js';
