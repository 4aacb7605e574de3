import type { ApplyRequest, KubeObject, SyncConflict, SyncResult, TmcError } from '@kcp-tmc/interfaces';
import { upstreamSpecFingerprint } from '../state/spec-fingerprint.js';

export function result(
  request: ApplyRequest,
  partial: Omit<SyncResult, 'key' | 'conflicts'> & { conflicts?: readonly SyncConflict[] },
): SyncResult {
  return { key: request.item.key, conflicts: [], ...partial };
}

export function failure(
  request: ApplyRequest,
  error: TmcError,
  conflicts: readonly SyncConflict[] = [],
): SyncResult {
  return result(request, { operation: 'noop', success: false, error, conflicts });
}

/** The upstream spec's fingerprint, for kinds that keep a generation (those have an observedGeneration). */
export function upstreamSpecOf(upstream: KubeObject): string | undefined {
  return typeof upstream.metadata.generation === 'number'
    ? upstreamSpecFingerprint(upstream.spec)
    : undefined;
}
