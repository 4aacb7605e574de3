import { createHash } from 'node:crypto';
import { canonicalJson, isRecord } from '@kcp-tmc/interfaces';

/** base64url SHA-256 of the canonical JSON, cut to 32 characters (plenty for change detection). */
export function canonicalHash(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value)).digest('base64url').slice(0, 32);
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
