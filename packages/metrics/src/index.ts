// tsyringe throws at import without the Reflect metadata API: load it before any module that imports tsyringe,
// so a plain `import '@kcp-tmc/metrics'` works (sideEffects in package.json names this file).
import 'reflect-metadata';

export { type MetricsRegistrationOptions, registerMetrics } from './register.js';
export { type BuildInfo, resourceLabel, SyncerMetrics } from './registry.js';
