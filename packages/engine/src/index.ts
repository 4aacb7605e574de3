// tsyringe throws at import without the Reflect metadata API: load it before any module that imports tsyringe,
// so a plain `import '@kcp-tmc/engine'` works (sideEffects in package.json names this file).
import 'reflect-metadata';

export {
  type AccessDecision,
  downstreamGrantHint,
  EVENT_VERBS,
  NAMESPACE_VERBS,
  reviewAccess,
  reviewVerbs,
  SYNCED_RESOURCE_VERBS,
  syncerAuthorizedCondition,
  type VerbsDecision,
} from './access-review.js';
export * from './api-import/index.js';
export {
  type Enqueue,
  ResourceController,
  type ResourceControllerInformers,
} from './controller/resource-controller.js';
export { downstreamSyncerInformers, upstreamSyncerInformers } from './controller/syncer-informers.js';
export { isBeingDeleted } from './dispatch.js';
export { DefaultSyncEngine } from './engine.js';
export { EngineInformers, EngineReporting, EngineSettings, EngineSyncers } from './engine-parts.js';
export { ENGINE_QUEUE_NAME } from './engine-queue.js';
export type { GvrSet, GvrSource } from './gvr-set.js';
export { SyncTargetGvrSource } from './gvr-source.js';
export { InformerNamespaceLocatorLookup } from './namespace-lookup.js';
export type { EngineOptions } from './options.js';
export * from './queue/index.js';
export { type RegisterEngineOptions, registerEngine } from './register.js';
export { PriorityFilterRegistry } from './registries.js';
export {
  decideRetry,
  isTerminatingNamespaceWrite,
  NAMESPACE_TERMINATING_CAUSE,
  type RetryDecision,
} from './retry-policy.js';
export { syncTargetFieldSelector } from './sync-target-watch.js';
export {
  ENGINE_OPTIONS,
  GVR_SOURCE,
  SIDE_DOWNSTREAM_CLIENT,
  SYNC_TARGET_INFORMER_FACTORY,
} from './tokens.js';
