import { isRecord, jsonEqual } from '@kcp-tmc/interfaces';

// RFC 7386 merge-patch diffs of raw objects.

/**
 * The JSON merge patch that turns `from` into `to`: changed members set, removed members null, arrays and
 * scalars replaced whole. Undefined when nothing differs.
 */
export function mergePatchDiff(from: unknown, to: unknown): unknown {
  if (!isRecord(from) || !isRecord(to)) return jsonEqual(from ?? null, to ?? null) ? undefined : (to ?? null);
  const patch: Record<string, unknown> = {};
  for (const key of Object.keys(from)) {
    if (from[key] !== undefined && to[key] === undefined) patch[key] = null;
  }
  for (const key of Object.keys(to)) {
    if (to[key] === undefined) continue;
    const member = from[key] === undefined ? to[key] : mergePatchDiff(from[key], to[key]);
    if (member !== undefined) patch[key] = member;
  }
  return Object.keys(patch).length === 0 ? undefined : patch;
}
