// tsyringe throws at import without the Reflect metadata API: load it before any module that imports tsyringe,
// so a plain `import '@kcp-tmc/downstream'` works (sideEffects in package.json names this file).
import 'reflect-metadata';

export { Applier, type ApplierParts } from './apply/applier.js';
export { createObject, updateObject, type WriteTarget } from './apply/strategies.js';
export {
  DEFAULT_MAX_OBJECT_BYTES,
  KARMADA_RETAIN_REPLICAS_LABEL,
  ORPHAN_ANNOTATION,
  RETAIN_REPLICAS_ANNOTATION,
} from './constants.js';
export { Deleter } from './delete/deleter.js';
export { canonicalHash } from './diff/canonical.js';
export {
  containsFields,
  type DiffDecision,
  decide,
  desiredHash,
  driftedFields,
  normalizeDesired,
} from './diff/differ.js';
export * from './dns/index.js';
export { DefaultDownstreamSyncer } from './downstream-syncer.js';
export { DownstreamLiveReader, type LiveReader } from './live/live-reader.js';
export { OwnedInformers } from './live/owned-informers.js';
export { NamespaceCleaner } from './namespace/cleaner.js';
export { NamespaceCollisionError, NamespaceEnsurer, namespaceFor } from './namespace/ensure-namespace.js';
export type { DownstreamOptions } from './options.js';
export { registerDownstreamParts } from './parts.js';
export { type RegisterDownstreamOptions, registerDownstream } from './register.js';
export { RetentionRegistry } from './retain/registry.js';
export type { RetainInput, RetentionRule } from './retain/rule.js';
export * from './retain/rules.js';
export { upstreamSpecFingerprint } from './state/spec-fingerprint.js';
export { InMemoryResourceStateStore } from './state/state-store.js';
export * from './tokens.js';
export { UpstreamWriter } from './upstream.js';
