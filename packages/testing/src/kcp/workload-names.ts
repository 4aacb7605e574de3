/** Label, annotation and finalizer names of kcp v0.11's TMC (pkg/apis/workload/v1alpha1/types.go). */
export const STATE_LABEL_PREFIX = 'state.workload.kcp.io/';
export const DELETION_ANNOTATION_PREFIX = 'deletion.internal.workload.kcp.io/';
export const FINALIZERS_ANNOTATION_PREFIX = 'finalizers.workload.kcp.io/';
export const SYNCER_VIEW_ANNOTATION_PREFIX = 'diff.syncer.internal.kcp.io/';
export const SPEC_DIFF_ANNOTATION_PREFIX = 'experimental.spec-diff.workload.kcp.io/';
export const SUMMARIZING_RULES_ANNOTATION = 'experimental.summarizing.workload.kcp.io';
export const SYNC_TARGET_KEY_LABEL = 'internal.workload.kcp.io/key';
/** pkg/syncer/shared: the finalizer a syncer puts on the upstream objects it owns. */
export const SYNCER_FINALIZER_PREFIX = 'workload.kcp.io/syncer-';
/** The marker kcp's syncer transformer stores for a field promoted into the upstream object. */
export const PROMOTED = '##promoted##';

export interface SyncIntent {
  state: string;
  /** From the deletion annotation (RFC 3339). */
  deletionTimestamp?: string;
  /** From the finalizers annotation. */
  finalizers: string;
}

/** Per SyncTarget key: the state label, deletion and finalizers annotations (kcp's helpers.GetSyncIntents). */
export function syncIntents(meta: {
  labels?: Record<string, string> | undefined;
  annotations?: Record<string, string> | undefined;
}): Map<string, SyncIntent> {
  const out = new Map<string, SyncIntent>();
  const annotations = meta.annotations ?? {};
  for (const [label, value] of Object.entries(meta.labels ?? {})) {
    if (!label.startsWith(STATE_LABEL_PREFIX)) continue;
    const key = label.slice(STATE_LABEL_PREFIX.length);
    const intent: SyncIntent = {
      state: value,
      finalizers: annotations[FINALIZERS_ANNOTATION_PREFIX + key] ?? '',
    };
    const deletion = annotations[DELETION_ANNOTATION_PREFIX + key];
    if (deletion !== undefined) intent.deletionTimestamp = rfc3339(deletion);
    out.set(key, intent);
  }
  return out;
}

/** metav1.Time as Go marshals it: UTC, whole seconds. */
export function rfc3339(text: string | Date): string {
  const d = typeof text === 'string' ? new Date(text) : text;
  if (Number.isNaN(d.getTime()))
    throw new Error(`parsing of the deletion annotation failed: ${String(text)}`);
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** encoding/json of a map: keys sorted at every level, `<`, `>`, `&` escaped. */
export function goJson(value: unknown): string {
  return JSON.stringify(sortKeys(value)).replace(/[<>&]/g, (c) => `\\u00${c.charCodeAt(0).toString(16)}`);
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(value).sort()) out[k] = sortKeys((value as Record<string, unknown>)[k]);
  return out;
}
