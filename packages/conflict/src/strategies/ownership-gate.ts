import type { ConflictInput, ConflictResolution } from '@kcp-tmc/interfaces';
import { ConflictKind, isOwnedByOther } from '../detect.js';

/**
 * The rule every built-in strategy applies to ownership conflicts before its own: an object owned by another
 * SyncTarget is never taken over; an unlabelled object is taken over only when adoption is enabled
 * (DownstreamConfig.adoptExisting). Returns the abort to report, or undefined when the strategy may proceed.
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
