/**
 * Deep copy of a raw JSON value (objects as they come off the wire: no Dates, Maps or cycles). Several times
 * faster than structuredClone on Kubernetes objects, which matters since the pipeline copies every object it
 * sees. A `__proto__` key is copied as data, never as a prototype.
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
