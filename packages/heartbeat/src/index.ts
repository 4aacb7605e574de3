// tsyringe throws at import without the Reflect metadata API: load it before any module that imports tsyringe,
// so a plain `import '@kcp-tmc/heartbeat'` works (sideEffects in package.json names this file).
import 'reflect-metadata';

export { type FailureReport, failureReport } from './errors/failure-report.js';
export { FailureHandler } from './errors/reporter.js';
export {
  type ConnectionCheckOptions,
  connectionCheck,
  deniedResourcesCheck,
  heartbeatCheck,
  type KubeConnectionCheckOptions,
  kubeConnectionCheck,
  type LastContactCheckOptions,
  lastContactCheck,
  pingCheck,
  type QueueStats,
  resourceControllersCheck,
  stuckQueueCheck,
} from './health/checks.js';
export {
  type CheckOutcome,
  ComponentHealthManager,
  type DetailedHealthReport,
  type EvaluateOptions,
} from './health/manager.js';
export { Profiler } from './health/pprof.js';
export { type MetricsSource, ProbeServer, type ProbeServerOptions } from './health/server.js';
export {
  applyConditions,
  type ConditionInput,
  conditionEqual,
  conditionsEqual,
  findCondition,
  isSyncerCondition,
  SYNCER_CONDITION_TYPES,
  setCondition,
} from './heartbeat/conditions.js';
export { heartbeatIntervalMs, SyncTargetHeartbeat } from './heartbeat/heartbeat.js';
export { heartbeatPatch, type JsonPatchOperation, type SyncTargetShape } from './heartbeat/patch.js';
export { type BuildInfo, resourceLabel, SyncerMetrics } from './metrics/registry.js';
export { type HeartbeatRegistrationOptions, registerHeartbeat } from './register.js';
export { HEARTBEAT_KUBE_CLIENT } from './tokens.js';
