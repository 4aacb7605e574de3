import type { KubeObject } from '@kcp-tmc/interfaces';
import { SYNCED_GENERATION_ANNOTATION, SYNCED_SPEC_ANNOTATION } from '@kcp-tmc/interfaces';
import { isRecord } from '../json.js';

// Live in @kcp-tmc/interfaces (transformation writes them, upstream reads them); re-exported for callers.
export { SYNCED_GENERATION_ANNOTATION, SYNCED_SPEC_ANNOTATION };

/** Condition types whose `True` is the bad state: worst-wins picks True for them. */
export const NEGATIVE_CONDITION_TYPES: ReadonlySet<string> = new Set([
  'ReplicaFailure',
  'Failed',
  'FailureTarget',
  'Degraded',
  'Stalled',
]);

export type Status = Record<string, unknown>;

/** The statuses in SyncTarget-key order (so every agent merges in the same order), objects only. */
export function orderedStatuses(statuses: ReadonlyMap<string, unknown>): Status[] {
  return [...statuses.keys()]
    .sort()
    .map((key) => statuses.get(key))
    .filter(isRecord);
}

/**
 * A shallow copy of the downstream status, with observedGeneration translated through the synced-generation
 * annotation an older agent wrote (see recordedWorkloadStatus for objects synced now).
 */
export function statusWithUpstreamGeneration(downstream: KubeObject): Status {
  const status: Status = isRecord(downstream.status) ? { ...downstream.status } : {};
  const observed = status.observedGeneration;
  if (typeof observed !== 'number') return status;
  // Downstream generations count downstream spec writes; upstream readers compare against the upstream one.
  const synced = Number(downstream.metadata.annotations?.[SYNCED_GENERATION_ANNOTATION]);
  const generation = downstream.metadata.generation;
  if (!Number.isInteger(synced) || typeof generation !== 'number') return status;
  status.observedGeneration = observed >= generation ? synced : Math.max(0, synced - 1);
  return status;
}

/** Sums a numeric field over the statuses; undefined when no status has it. */
export function sumField(statuses: readonly Status[], field: string): number | undefined {
  let total: number | undefined;
  for (const status of statuses) {
    const value = status[field];
    if (typeof value === 'number') total = (total ?? 0) + value;
  }
  return total;
}

export function minField(statuses: readonly Status[], field: string): number | undefined {
  const values = statuses.map((s) => s[field]).filter((v): v is number => typeof v === 'number');
  return values.length === 0 ? undefined : Math.min(...values);
}

export function maxField(statuses: readonly Status[], field: string): number | undefined {
  const values = statuses.map((s) => s[field]).filter((v): v is number => typeof v === 'number');
  return values.length === 0 ? undefined : Math.max(...values);
}

// Worse first: the rank of a condition status, lower is worse.
function rank(type: string, status: unknown): number {
  const order = NEGATIVE_CONDITION_TYPES.has(type)
    ? ['True', 'Unknown', 'False']
    : ['False', 'Unknown', 'True'];
  const index = order.indexOf(String(status));
  return index < 0 ? 1 : index;
}

/**
 * Worst-wins per condition type: of the targets reporting a type, the one in the worst state is kept whole
 * (reason, message, times); on ties the first target in key order. Types keep their first-seen order.
 */
export function mergeConditions(statuses: readonly Status[]): unknown[] | undefined {
  const worst = new Map<string, Record<string, unknown>>();
  let seen = false;
  for (const status of statuses) {
    if (!Array.isArray(status.conditions)) continue;
    seen = true;
    for (const condition of status.conditions) {
      if (!isRecord(condition) || typeof condition.type !== 'string') continue;
      const current = worst.get(condition.type);
      if (
        current === undefined ||
        rank(condition.type, condition.status) < rank(condition.type, current.status)
      ) {
        worst.set(condition.type, condition);
      }
    }
  }
  return seen ? [...worst.values()] : undefined;
}

/** Sets `field` when the value is defined, deletes it otherwise. */
export function put(target: Status, field: string, value: unknown): void {
  if (value === undefined) delete target[field];
  else target[field] = value;
}
