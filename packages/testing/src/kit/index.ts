// The test kit shared by the packages' tests (`@kcp-tmc/testing/kit`): composition pieces for test stacks
// (SyncTargets, kube sides, direct store writes, an open CRD), waits with deadlines, a manual clock and a strict
// Prometheus text parser.
export { withinDeadline } from './deadline.js';
export { FAST_INFORMERS, type KubeconfigHolder, type KubeSideOptions, kubeSide } from './kube-sides.js';
export { ManualClock, settle } from './manual-clock.js';
export { type OpenCrdOptions, openCrd } from './open-crd.js';
export {
  type Family,
  family,
  type MetricType,
  parseMetrics,
  type Sample,
  sample,
  value,
} from './prometheus.js';
export { serverSide } from './server-side.js';
export {
  type CreatedSyncTarget,
  createSyncTarget,
  type KitObject,
  SYNC_TARGETS,
  type SyncTargetIdentity,
  type SyncTargetOptions,
  type SyncTargetWriter,
} from './sync-target.js';
export { type WaitOptions, waitFor } from './wait.js';
