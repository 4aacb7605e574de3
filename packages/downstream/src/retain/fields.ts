import { cloneJson, isRecord } from '@kcp-tmc/interfaces';

/** The object at `key` of `parent`, created when missing. */
export function child(parent: Record<string, unknown>, key: string): Record<string, unknown> {
  const existing = parent[key];
  if (isRecord(existing)) return existing;
  const created: Record<string, unknown> = {};
  parent[key] = created;
  return created;
}

export function record(value: unknown): Record<string, unknown> | undefined {
  return isRecord(value) ? value : undefined;
}

/** Copies `field` of `from` into `to` when `to` leaves it unset and `from` has it. */
export function keepIfUnset(
  to: Record<string, unknown>,
  from: Record<string, unknown> | undefined,
  field: string,
): void {
  if (from === undefined) return;
  if (to[field] === undefined && from[field] !== undefined) to[field] = cloneJson(from[field]);
}
