import { createHash } from 'node:crypto';
import { type KubeObject, SYNCED_SPEC_ANNOTATION } from '@kcp-tmc/interfaces';
import { canonicalJson, isRecord } from '../json.js';
import { minField, type Status, statusWithUpstreamGeneration } from './merge-helpers.js';

/**
 * In a recorded per-SyncTarget status, in place of observedGeneration: the synced-spec fingerprint the
 * downstream controller has caught up with, or null while it lags. Never leaves the annotation.
 */
export const OBSERVED_SPEC_FIELD = 'observedSpec';

/**
 * The `SYNCED_SPEC_ANNOTATION` value of an upstream spec, as @kcp-tmc/transformation writes it (wire format in
 * @kcp-tmc/interfaces): the first 32 hex digits of SHA-256 over key-sorted JSON.
 */
export function specFingerprint(spec: unknown): string {
  return createHash('sha256')
    .update(canonicalJson(spec ?? null))
    .digest('hex')
    .slice(0, 32);
}

/**
 * What a target records of its downstream status. Invariant: nothing recorded depends on the upstream
 * generation, since writing the record (an annotation) bumps a Deployment's generation itself; a record that
 * followed it would change with every write of itself, for ever. So the record says which spec the downstream
 * controller has observed (a fingerprint that moves with the spec only), and the merge, written through the
 * status subresource (which moves no generation), turns that into an upstream observedGeneration.
 * Downstream objects an older agent synced carry no fingerprint and keep the translated number.
 */
export function recordedWorkloadStatus(downstream: KubeObject): Status {
  const synced = downstream.metadata.annotations?.[SYNCED_SPEC_ANNOTATION];
  if (synced === undefined) return statusWithUpstreamGeneration(downstream);
  const status: Status = isRecord(downstream.status) ? { ...downstream.status } : {};
  const observed = status.observedGeneration;
  const generation = downstream.metadata.generation;
  delete status.observedGeneration;
  const caughtUp = typeof observed === 'number' && typeof generation === 'number' && observed >= generation;
  status[OBSERVED_SPEC_FIELD] = caughtUp ? synced : null;
  return status;
}

/**
 * The upstream observedGeneration of the merged status: the upstream object's own generation when every
 * target's controller has observed the current upstream spec (whatever metadata-only writes moved the
 * generation since), else the last generation reported as observed (or generation - 1): "not yet". The least
 * caught-up target decides. Records without a fingerprint count with their translated number.
 */
export function mergedObservedGeneration(
  statuses: readonly Status[],
  upstream: KubeObject | undefined,
): number | undefined {
  const generation = upstream?.metadata.generation;
  if (upstream === undefined || typeof generation !== 'number') {
    return minField(statuses, 'observedGeneration');
  }
  const current = specFingerprint(upstream.spec);
  const previous = isRecord(upstream.status) ? upstream.status.observedGeneration : undefined;
  const lagging =
    typeof previous === 'number' && previous < generation ? previous : Math.max(0, generation - 1);
  let merged: number | undefined;
  for (const status of statuses) {
    let observed: number | undefined;
    if (Object.hasOwn(status, OBSERVED_SPEC_FIELD)) {
      observed = status[OBSERVED_SPEC_FIELD] === current ? generation : lagging;
    } else if (typeof status.observedGeneration === 'number') {
      observed = status.observedGeneration;
    }
    if (observed !== undefined) merged = merged === undefined ? observed : Math.min(merged, observed);
  }
  return merged;
}
