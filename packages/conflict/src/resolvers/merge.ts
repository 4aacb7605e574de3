import { isRecord, jsonEqual, type KubeObject } from '@kcp-tmc/interfaces';

// Server-owned metadata that a merged body must take from the existing object (or not send at all).
const SERVER_METADATA = ['uid', 'resourceVersion', 'generation', 'creationTimestamp', 'selfLink'] as const;

/**
 * Three-way merge of JSON values. `base` is what we applied last, `desired` what we want now, `existing` what
 * is there. A field we changed since `base` takes our value (removing it when we dropped it); a field we did
 * not change keeps the existing value, so edits by others (controllers, users) survive. Objects merge key by
 * key; arrays and scalars are atomic. Without a base (`hasBase` false) only fields `desired` sets and that
 * differ from `existing` count as ours: a two-way merge that never deletes.
 */
export function mergeValues(base: unknown, desired: unknown, existing: unknown, hasBase: boolean): unknown {
  const oursChanged = hasBase
    ? !jsonEqual(desired, base)
    : desired !== undefined && !jsonEqual(desired, existing);
  if (!oursChanged) return existing;
  if (isRecord(desired) && isRecord(existing)) {
    const baseObject = isRecord(base) ? base : undefined;
    const out: Record<string, unknown> = {};
    const keys = new Set([
      ...Object.keys(existing),
      ...Object.keys(desired),
      ...Object.keys(baseObject ?? {}),
    ]);
    for (const key of keys) {
      const merged = mergeValues(
        baseObject?.[key],
        desired[key],
        existing[key],
        // Below a field that did not exist in the base, nothing of ours existed either.
        hasBase,
      );
      if (merged !== undefined) out[key] = merged;
    }
    return out;
  }
  return desired;
}

/**
 * The object to write after a three-way merge of `desired` against `lastApplied` and `existing`: carries the
 * existing resourceVersion (the merge is only valid against that version: a concurrent change fails the write
 * and triggers a re-read) and never sends managedFields.
 */
export function threeWayMerge(
  desired: KubeObject,
  existing: KubeObject,
  lastApplied: KubeObject | undefined,
): KubeObject {
  const merged = mergeValues(lastApplied, desired, existing, lastApplied !== undefined) as KubeObject;
  const metadata: Record<string, unknown> = { ...merged.metadata };
  for (const field of SERVER_METADATA) {
    const value = existing.metadata[field];
    if (value === undefined) delete metadata[field];
    else metadata[field] = value;
  }
  delete metadata.managedFields;
  return { ...merged, metadata: metadata as KubeObject['metadata'] };
}
