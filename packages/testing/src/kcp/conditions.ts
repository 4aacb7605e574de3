/** kcp's conditions (pkg/apis/third_party/conditions): transition times kept unless the state changes. */
export interface Condition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  severity?: string;
  lastTransitionTime?: string;
  reason?: string;
  message?: string;
}

/** Now, as kcp stamps a transition: UTC, truncated to the second. */
export function transitionTime(now = new Date()): string {
  return now.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function sameState(a: Condition, b: Condition): boolean {
  return (
    a.type === b.type &&
    a.status === b.status &&
    (a.reason ?? '') === (b.reason ?? '') &&
    (a.severity ?? '') === (b.severity ?? '') &&
    (a.message ?? '') === (b.message ?? '')
  );
}

/** Ready first, then by type (conditions.lexicographicLess). */
function byType(a: Condition, b: Condition): number {
  if (a.type === b.type) return 0;
  if (a.type === 'Ready') return -1;
  if (b.type === 'Ready') return 1;
  return a.type < b.type ? -1 : 1;
}

/** conditions.Set: a condition keeps its transition time (and itself) while its state is unchanged. */
export function setCondition(conditions: Condition[], next: Condition, now = new Date()): Condition[] {
  const out = [...conditions];
  const i = out.findIndex((c) => c.type === next.type);
  const stamped = { ...next, lastTransitionTime: transitionTime(now) };
  if (i < 0) out.push(stamped);
  else if (!sameState(out[i]!, next)) out[i] = stamped;
  return out.sort(byType);
}

function mergePriority(c: Condition): number {
  if (c.status === 'False') {
    if (c.severity === 'Error') return 0;
    if (c.severity === 'Warning') return 1;
    if (c.severity === 'Info') return 2;
    return 99;
  }
  return c.status === 'True' ? 3 : 4;
}

/**
 * conditions.SetSummary with WithConditions(order): Ready summarises the listed conditions that exist,
 * the most severe group deciding; its reason and message come from the first condition of that group.
 */
export function summary(conditions: Condition[], order: string[]): Condition | undefined {
  const scope = conditions.filter((c) => c.type !== 'Ready' && order.includes(c.type));
  if (scope.length === 0) return undefined;
  const top = Math.min(...scope.map(mergePriority));
  const group = scope.filter((c) => mergePriority(c) === top).sort(byType);
  const first =
    group.length === 1
      ? group[0]!
      : (order.map((t) => group.find((c) => c.type === t)).find(Boolean) ?? group[0]!);
  if (first.status === 'True') return { type: 'Ready', status: 'True' };
  const ready: Condition = { type: 'Ready', status: first.status };
  if (first.status === 'False' && first.severity) ready.severity = first.severity;
  if (first.reason) ready.reason = first.reason;
  if (first.message) ready.message = first.message;
  return ready;
}
