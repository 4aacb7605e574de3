// tsyringe throws at import without the Reflect metadata API: load it before any module that imports tsyringe,
// so a plain `import '@kcp-tmc/health'` works (sideEffects in package.json names this file).
import 'reflect-metadata';

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
} from './checks.js';
export {
  type CheckOutcome,
  ComponentHealthManager,
  type DetailedHealthReport,
  type EvaluateOptions,
} from './manager.js';
export { Profiler } from './pprof.js';
export { type HealthRegistrationOptions, registerHealth } from './register.js';
export { type MetricsSource, ProbeServer, type ProbeServerOptions } from './server.js';
