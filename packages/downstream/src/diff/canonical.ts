import { createHash } from 'node:crypto';

/** JSON with object keys sorted at every level: equal values give equal text, whatever the key order. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record)
    .filter((k) => record[k] !== undefined)
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(record[k])}`).join(',')}}`;
}

/** base64url SHA-256 of the canonical JSON, cut to 32 characters (plenty for change detection). */
export function canonicalHash(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value)).digest('base64url').slice(0, 32);
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Reads a dotted path (`spec.replicas`); undefined when any step is missing. */
export function getPath(object: unknown, path: string): unknown {
  let current: unknown = object;
  for (const step of path.split('.')) {
    if (!isRecord(current)) return undefined;
    current = current[step];
  }
  return current;
}

/** Writes a dotted path, creating objects on the way; `undefined` deletes the leaf. */
export function setPath(object: Record<string, unknown>, path: string, value: unknown): void {
  const steps = path.split('.');
  let current: Record<string, unknown> = object;
  for (const step of steps.slice(0, -1)) {
    const next = current[step];
    if (!isRecord(next)) {
      if (value === undefined) return;
      current[step] = {};
    }
    current = current[step] as Record<string, unknown>;
  }
  const leaf = steps[steps.length - 1] as string;
  if (value === undefined) delete current[leaf];
  else current[leaf] = value;
}
