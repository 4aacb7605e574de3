import { isRecord, type KubeObject } from '@kcp-tmc/interfaces';

// Server-side apply records, per field manager, the fields it set (`managedFields[].fieldsV1`, keys `f:<name>`).
// After a restart nothing of what we last applied is remembered; these records say which fields we set before,
// so one we no longer want (removed upstream while the agent was down) is still noticed.

function names(fields: unknown): string[] {
  if (!isRecord(fields)) return [];
  return Object.keys(fields)
    .filter((k) => k.startsWith('f:'))
    .map((k) => k.slice(2));
}

function missing(owned: unknown, want: unknown, path: string): string[] {
  const have = isRecord(want) ? want : {};
  return names(owned)
    .filter((name) => have[name] === undefined)
    .map((name) => `${path}.${name}`);
}

/**
 * Fields `fieldManager` applied to `live` that `desired` no longer has: labels and annotations by key, and the
 * first level below every other top-level field (`spec.replicas`, `data.key`). Deeper levels (list items keyed
 * by `k:{...}`) are not compared.
 */
export function removedOwnedFields(live: KubeObject, desired: KubeObject, fieldManager: string): string[] {
  const entries = (live.metadata.managedFields ?? []).filter(
    (e) => e.manager === fieldManager && e.operation === 'Apply' && e.subresource === undefined,
  );
  const out: string[] = [];
  const wanted = desired as unknown as Record<string, unknown>;
  for (const entry of entries) {
    const fields = entry.fieldsV1 ?? {};
    for (const top of names(fields)) {
      const owned = fields[`f:${top}`];
      if (top === 'metadata') {
        const meta = isRecord(owned) ? owned : {};
        out.push(...missing(meta['f:labels'], desired.metadata.labels, 'metadata.labels'));
        out.push(...missing(meta['f:annotations'], desired.metadata.annotations, 'metadata.annotations'));
      } else if (top !== 'status') {
        if (wanted[top] === undefined) out.push(top);
        else out.push(...missing(owned, wanted[top], top));
      }
    }
  }
  return [...new Set(out)];
}
