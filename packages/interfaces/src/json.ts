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
  // Index loops, not map/for-of: without V8's top compiler (the agent turns it off) an iterator or a callback
  // per level is an allocation per level, and this runs for every object on the spec path.
  if (Array.isArray(value)) {
    const out: unknown[] = new Array(value.length);
    for (let i = 0; i < value.length; i++) out[i] = cloneJson(value[i]);
    return out as T;
  }
  const source = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  const keys = Object.keys(source);
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i] as string;
    const copy = cloneJson(source[key]);
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
  // Built as one string, without the per-level arrays and callbacks of map/filter/join (see cloneJson).
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) out += (i === 0 ? '' : ',') + canonicalJson(value[i]);
    return `${out}]`;
  }
  const record = value as Record<string, unknown>;
  const keys = sortedKeys(record);
  let out = '{';
  let first = true;
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i] as string;
    const member = record[key];
    if (member === undefined) continue;
    out += `${first ? '' : ','}${JSON.stringify(key)}:${canonicalJson(member)}`;
    first = false;
  }
  return `${out}}`;
}

/**
 * The keys by code unit. Objects mostly have a handful: sorted in place by insertion, as Array.prototype.sort
 * copies the array into a work area first (on every object of every hash).
 */
function sortedKeys(record: Record<string, unknown>): string[] {
  const keys = Object.keys(record);
  if (keys.length > 16) return keys.sort();
  for (let i = 1; i < keys.length; i++) {
    const key = keys[i] as string;
    let j = i - 1;
    for (; j >= 0 && (keys[j] as string) > key; j--) keys[j + 1] = keys[j] as string;
    keys[j + 1] = key;
  }
  return keys;
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
  // Counted, not filtered into arrays: the engine compares every upstream update with this (see cloneJson).
  const aKeys = Object.keys(ao);
  let aDefined = 0;
  for (let i = 0; i < aKeys.length; i++) {
    const key = aKeys[i] as string;
    const member = ao[key];
    if (member === undefined) continue;
    aDefined++;
    if (!Object.hasOwn(bo, key) || !jsonEqual(member, bo[key])) return false;
  }
  const bKeys = Object.keys(bo);
  let bDefined = 0;
  for (let i = 0; i < bKeys.length; i++) if (bo[bKeys[i] as string] !== undefined) bDefined++;
  return aDefined === bDefined;
}
