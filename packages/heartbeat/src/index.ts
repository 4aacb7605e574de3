// tsyringe throws at import without the Reflect metadata API: load it before any module that imports tsyringe,
// so a plain `import '@kcp-tmc/heartbeat'` works (sideEffects in package.json names this file).
import 'reflect-metadata';

export { type FailureReport, failureReport } from './errors/failure-report.js';
export { FailureHandler } from './errors/reporter.js';
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
export { type HeartbeatRegistrationOptions, registerHeartbeat } from './register.js';
export { HEARTBEAT_KUBE_CLIENT } from './tokens.js';
