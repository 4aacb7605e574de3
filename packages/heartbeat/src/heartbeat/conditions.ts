import { type Condition, SyncTargetConditions } from '@kcp-tmc/interfaces';

/** A condition as a caller states it: the time of the transition is ours to decide. */
export type ConditionInput = Omit<Condition, 'lastTransitionTime'>;

export function findCondition(
  conditions: readonly Condition[] | undefined,
  type: string,
): Condition | undefined {
  return conditions?.find((c) => c.type === type);
}

/**
 * Returns `conditions` with `next` set: a new condition gets `now` as its transition time, an existing one keeps
 * its `lastTransitionTime` unless the status changes. The order of the list is kept; new types go last. The
 * input is never mutated, and when nothing changes the same array is returned, so callers can skip a write.
 */
export function setCondition(
  conditions: readonly Condition[],
  next: ConditionInput,
  now: string,
): Condition[] {
  const index = conditions.findIndex((c) => c.type === next.type);
  const current = index === -1 ? undefined : conditions[index];
  const transitioned = current === undefined || current.status !== next.status;
  const lastTransitionTime = transitioned ? now : (current.lastTransitionTime ?? now);
  const updated = withoutUndefined<Condition>({ ...next, lastTransitionTime });
  if (current !== undefined && conditionEqual(current, updated)) return conditions as Condition[];
  const result = [...conditions];
  if (index === -1) result.push(updated);
  else result[index] = updated;
  return result;
}

/** Same type, status, reason, message, severity, observedGeneration and transition time. */
export function conditionEqual(a: Condition, b: Condition): boolean {
  return (
    a.type === b.type &&
    a.status === b.status &&
    a.reason === b.reason &&
    a.message === b.message &&
    a.severity === b.severity &&
    a.observedGeneration === b.observedGeneration &&
    a.lastTransitionTime === b.lastTransitionTime
  );
}

/**
 * The SyncTarget conditions a syncer writes: kcp v0.11's syncer sets only SyncerAuthorized
 * (pkg/syncer/resourcesync/controller.go); kcp itself sets Ready and HeartbeatHealthy
 * (pkg/reconciler/workload/heartbeat), and a second writer of those makes them flap. The agent adds
 * DownstreamResourcesAvailable (a CRD missing downstream), which kcp's Ready summary does not read
 * (heartbeat_manager.go summarises SyncerReady, APIImporterReady and HeartbeatHealthy only).
 */
export const SYNCER_CONDITION_TYPES: readonly string[] = [
  SyncTargetConditions.SyncerAuthorized,
  SyncTargetConditions.DownstreamResourcesAvailable,
];

export function isSyncerCondition(type: string): boolean {
  return SYNCER_CONDITION_TYPES.includes(type);
}

/** Sets every condition in `updates` the syncer owns; every other condition is left as the server has it. */
export function applyConditions(
  conditions: readonly Condition[],
  updates: Iterable<ConditionInput>,
  now: string,
): Condition[] {
  let result = conditions as Condition[];
  for (const update of updates) {
    if (!isSyncerCondition(update.type)) continue;
    result = setCondition(result, update, now);
  }
  return result;
}

/** Two lists hold the same conditions (order ignored). */
export function conditionsEqual(a: readonly Condition[], b: readonly Condition[]): boolean {
  if (a.length !== b.length) return false;
  return a.every((condition) => {
    const other = findCondition(b, condition.type);
    return other !== undefined && conditionEqual(condition, other);
  });
}

type Loose<T> = { [K in keyof T]: T[K] | undefined };

// exactOptionalPropertyTypes: an explicit `undefined` must not reach the wire as a key.
function withoutUndefined<T extends object>(value: Loose<T>): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
