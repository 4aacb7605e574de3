import type { ConflictResolver, DownstreamConfig } from '@kcp-tmc/interfaces';
import { AbortResolver } from './abort.js';
import { DownstreamWinsResolver } from './downstream-wins.js';
import { ThreeWayMergeResolver } from './three-way-merge.js';
import { UpstreamWinsResolver } from './upstream-wins.js';

export { AbortResolver } from './abort.js';
export { DownstreamWinsResolver } from './downstream-wins.js';
export { getPath, type PathSegment, parseFieldPath, removePath } from './field-path.js';
export { mergeValues, threeWayMerge } from './merge.js';
export { ownershipGate } from './ownership-gate.js';
export { ThreeWayMergeResolver } from './three-way-merge.js';
export { UpstreamWinsResolver } from './upstream-wins.js';

/** The built-in strategy names. */
export const BUILTIN_STRATEGIES = ['upstream-wins', 'downstream-wins', 'three-way-merge', 'abort'] as const;
export type BuiltinStrategy = (typeof BUILTIN_STRATEGIES)[number];

export function isBuiltinStrategy(name: string): name is BuiltinStrategy {
  return (BUILTIN_STRATEGIES as readonly string[]).includes(name);
}

/** A new resolver of a built-in strategy; throws on an unknown name. */
export function createResolver(
  strategy: string,
  config?: Pick<DownstreamConfig, 'adoptExisting'>,
): ConflictResolver {
  switch (strategy) {
    case 'upstream-wins':
      return new UpstreamWinsResolver(config);
    case 'downstream-wins':
      return new DownstreamWinsResolver();
    case 'three-way-merge':
      return new ThreeWayMergeResolver(config);
    case 'abort':
      return new AbortResolver();
    default:
      throw new TypeError(
        `unknown conflict strategy "${strategy}" (built in: ${BUILTIN_STRATEGIES.join(', ')})`,
      );
  }
}
