// tsyringe throws at import without the Reflect metadata API: load it before any module that imports tsyringe,
// so a plain `import '@kcp-tmc/conflict'` works (sideEffects in package.json names this file).
import 'reflect-metadata';

export {
  ConflictKind,
  detectOwnershipConflict,
  detectWriteConflict,
  FIELD_MANAGER_CONFLICT_CAUSE,
  isOwnedByOther,
} from './detect.js';
export {
  type ConflictEventOptions,
  conflictEvent,
  describeConflicts,
  SYNC_CONFLICT_REASON,
} from './events.js';
export { type ConflictOptions, DEFAULT_CONFLICT_STRATEGY, registerConflict } from './register.js';
export { GvrConflictResolverRegistry } from './registry.js';
export {
  type ConflictOutcome,
  conflictSyncResult,
  type ResolveWithRetriesOptions,
  resolveWithRetries,
  type WriteOptions,
} from './retry.js';
export * from './strategies/index.js';
