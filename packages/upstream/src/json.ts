// JSON helpers for raw objects: one canonical spelling per value (so equal statuses compare and serialise
// equally whatever their key order) and RFC 7386 merge-patch diffs.

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (!isRecord(value)) return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) {
    if (value[key] !== undefined) out[key] = canonical(value[key]);
  }
  return out;
}

/** JSON with object keys sorted (undefined members dropped, as JSON.stringify does). */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(canonical(value)) ?? 'null';
}

export function jsonEqual(a: unknown, b: unknown): boolean {
  return canonicalJson(a) === canonicalJson(b);
}

/**
 * The JSON merge patch that turns `from` into `to`: changed members set, removed members null, arrays and
 * scalars replaced whole. Undefined when nothing differs.
 */
export function mergePatchDiff(from: unknown, to: unknown): unknown {
  if (!isRecord(from) || !isRecord(to)) return jsonEqual(from, to) ? undefined : (to ?? null);
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

export { isRecord };
