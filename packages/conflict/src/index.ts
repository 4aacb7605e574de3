// tsyringe throws at import without the Reflect metadata API: load it before any module that imports tsyringe,
// so a plain `import '@kcp-tmc/conflict'` works (sideEffects in package.json names this file).
import 'reflect-metadata';

export {
  ConflictKind,
  detectOwnershipConflict,
  detectWriteConflict,
  FIELD_MANAGER_CONFLICT_CAUSE,
  fieldManagerCauses,
  isOwnedByOther,
} from './detect.js';
export {
  CONFLICT_EVENT_REASON,
  type ConflictEventOptions,
  conflictEvent,
  describeConflicts,
} from './events.js';
export { type ConflictOptions, DEFAULT_CONFLICT_RESOLVER, registerConflict } from './register.js';
export { GvrConflictResolverRegistry } from './registry.js';
export * from './resolvers/index.js';
export {
  type ConflictOutcome,
  conflictSyncResult,
  type ResolveWithRetriesOptions,
  resolveWithRetries,
  type WriteOptions,
  writeWithConflictResolution,
} from './retry.js';
