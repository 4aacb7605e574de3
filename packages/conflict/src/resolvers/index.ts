import type { ConflictResolver, DownstreamConfig } from '@kcp-tmc/interfaces';
import { AbortResolver } from './abort.js';
import { DownstreamWinsResolver } from './downstream-wins.js';
import { withOwnershipGate } from './ownership-gate.js';
import { ThreeWayMergeResolver } from './three-way-merge.js';
import { UpstreamWinsResolver } from './upstream-wins.js';

export { AbortResolver } from './abort.js';
export { DownstreamWinsResolver } from './downstream-wins.js';
export { getPath, type PathSegment, parseFieldPath, removePath } from './field-path.js';
export { mergeValues, threeWayMerge } from './merge.js';
export { ownershipGate, withOwnershipGate } from './ownership-gate.js';
export { ThreeWayMergeResolver } from './three-way-merge.js';
export { UpstreamWinsResolver } from './upstream-wins.js';

/** The names of the built-in conflict resolvers. */
export const BUILTIN_RESOLVERS = ['upstream-wins', 'downstream-wins', 'three-way-merge', 'abort'] as const;
export type BuiltinResolverName = (typeof BUILTIN_RESOLVERS)[number];

export function isBuiltinResolverName(name: string): name is BuiltinResolverName {
  return (BUILTIN_RESOLVERS as readonly string[]).includes(name);
}

/** A new built-in conflict resolver by name; throws on an unknown name. */
export function createResolver(
  name: string,
  config?: Pick<DownstreamConfig, 'adoptExisting'>,
): ConflictResolver {
  switch (name) {
    case 'upstream-wins':
      return withOwnershipGate(new UpstreamWinsResolver(), config?.adoptExisting ?? false);
    case 'downstream-wins':
      return new DownstreamWinsResolver();
    case 'three-way-merge':
      return withOwnershipGate(new ThreeWayMergeResolver(), config?.adoptExisting ?? false);
    case 'abort':
      return new AbortResolver();
    default:
      throw new TypeError(`unknown conflict resolver "${name}" (built in: ${BUILTIN_RESOLVERS.join(', ')})`);
  }
}
