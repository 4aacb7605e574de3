// Helpers for raw JSON objects, shared by every package that compares or hashes them.

/** A JSON object (not null, not an array). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Deep copy of a raw JSON value (objects as they come off the wire: no Dates, Maps or cycles). 6-7 times faster
 * than structuredClone on Kubernetes objects (~0.8 against ~5.8 us for a ConfigMap on Node 24), which matters on
 * the spec path, where every object is copied a few times. A `__proto__` key is copied as data, never as a
 * prototype.
 */
export function cloneJson<T>(value: T): T {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return value.map(cloneJson) as T;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    const copy = cloneJson((value as Record<string, unknown>)[key]);
    if (key === '__proto__') {
      Object.defineProperty(out, key, { value: copy, enumerable: true, writable: true, configurable: true });
    } else {
      out[key] = copy;
    }
  }
  return out as T;
}

/**
 * JSON with object keys sorted at every level (undefined members dropped, as JSON.stringify does): equal values
 * give equal text whatever the key order. Keys sort by code unit, as Go's encoding/json sorts map keys.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record)
    .filter((k) => record[k] !== undefined)
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(record[k])}`).join(',')}}`;
}

/**
 * Structural equality of JSON values: object key order does not matter, array order does, an undefined member
 * equals a missing one. `undefined` and `null` differ (a removed field is not a field set to null).
 */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!jsonEqual(a[i], b[i])) return false;
    return true;
  }
  const ao = a as Record<string, unknown>;
  const bo = b as Record<string, unknown>;
  const aKeys = Object.keys(ao).filter((k) => ao[k] !== undefined);
  const bKeys = Object.keys(bo).filter((k) => bo[k] !== undefined);
  if (aKeys.length !== bKeys.length) return false;
  for (const key of aKeys) {
    if (!Object.hasOwn(bo, key) || !jsonEqual(ao[key], bo[key])) return false;
  }
  return true;
}
