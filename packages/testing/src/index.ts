export type { ResourceService } from './api/service.js';
export type { KubeObject } from './api/types.js';
export type { ControllerOptions } from './controllers/manager.js';
export * from './differential/index.js';
export { type FaultControlServer, startFaultControl } from './faults/control.js';
export type { FaultController, FaultOptions, FaultRule, FaultState, Latency } from './faults/faults.js';
export { parseFaultOptions } from './faults/parse.js';
export { mulberry32 } from './faults/prng.js';
export {
  acceptedResources,
  acceptResources,
  kcpStateLabel,
  type PlacedNamespace,
  placedNamespace,
  placeNamespace,
  type SyncedResource,
} from './kcp/placement.js';
export { syncTargetKey } from './kcp/synctarget-key.js';
export { buildKubeconfig, type KubeconfigInput } from './kubeconfig.js';
export * from './real/index.js';
export type { AccessRule, AccessRules } from './server/access-review.js';
export type { RequestStats } from './server/stats.js';
export { generateServingCertificate, type ServingCertificate } from './server/tls.js';
export type { KcpOptions } from './simulator.js';
export { type KubeSimulator, type KubeSimulatorOptions, startKubeSimulator } from './simulator.js';
export type { ChangeEvent, ObjectStore } from './store/store.js';
