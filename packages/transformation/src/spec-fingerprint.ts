import { createHash } from 'node:crypto';

function sorted(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sorted);
  if (typeof value !== 'object' || value === null) return value;
  const record = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(record).sort()) {
    if (record[key] !== undefined) out[key] = sorted(record[key]);
  }
  return out;
}

/**
 * The `SYNCED_SPEC_ANNOTATION` value for an upstream spec (wire format in @kcp-tmc/interfaces): the first 32 hex
 * digits of SHA-256 over the spec as key-sorted JSON. @kcp-tmc/upstream computes the same to compare.
 */
export function specFingerprint(spec: unknown): string {
  const json = JSON.stringify(sorted(spec ?? null)) ?? 'null';
  return createHash('sha256').update(json).digest('hex').slice(0, 32);
}
