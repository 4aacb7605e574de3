import type { ConflictInput, ConflictResolution, ConflictResolver } from '@kcp-tmc/interfaces';
import { ConflictKind, isOwnedByOther } from '../detect.js';

/**
 * The rule every built-in resolver applies to ownership conflicts before its own: an object owned by another
 * SyncTarget is never taken over; an unlabelled object is taken over only when adoption is enabled
 * (DownstreamConfig.adoptExisting). Returns the abort to report, or undefined when the resolver may proceed.
 */
export function ownershipGate(input: ConflictInput, adoptExisting: boolean): ConflictResolution | undefined {
  if (input.conflict.kind !== ConflictKind.Ownership) return undefined;
  if (isOwnedByOther(input.existing, input.context.syncTarget.key)) {
    return { action: 'abort', reason: `${input.conflict.message}: never taken over` };
  }
  if (!adoptExisting) {
    return { action: 'abort', reason: `${input.conflict.message}: adoption of existing objects is disabled` };
  }
  return undefined;
}

/**
 * `resolver` behind the ownership gate: ownership conflicts it may not take over are aborted before it is asked.
 * createResolver puts upstream-wins and three-way-merge behind it (the strategies that would write).
 */
export function withOwnershipGate(resolver: ConflictResolver, adoptExisting: boolean): ConflictResolver {
  return {
    name: resolver.name,
    resolve: (input) => ownershipGate(input, adoptExisting) ?? resolver.resolve(input),
  };
}
