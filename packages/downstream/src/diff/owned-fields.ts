import { isRecord, type KubeObject } from '@kcp-tmc/interfaces';

// Server-side apply records, per field manager, the fields it set (`managedFields[].fieldsV1`, keys `f:<name>`).
// After a restart nothing of what we last applied is remembered; these records say which fields we set before,
// so one we no longer want (removed upstream while the agent was down) is still noticed.

// Loops rather than filter/map chains: this runs for every update of an object we wrote, and without V8's top
// compiler each chain step is an allocation.

/** Appends `path.<name>` for each `f:<name>` of `owned` that `want` does not carry. */
function pushMissing(out: string[], owned: unknown, want: unknown, path: string): void {
  if (!isRecord(owned)) return;
  const have = isRecord(want) ? want : undefined;
  for (const key in owned) {
    if (!key.startsWith('f:') || !Object.hasOwn(owned, key)) continue;
    const name = key.slice(2);
    if (have?.[name] === undefined) out.push(`${path}.${name}`);
  }
}

/**
 * Fields `fieldManager` applied to `live` that `desired` no longer has: labels and annotations by key, and the
 * first level below every other top-level field (`spec.replicas`, `data.key`). Deeper levels (list items keyed
 * by `k:{...}`) are not compared.
 */
export function removedOwnedFields(live: KubeObject, desired: KubeObject, fieldManager: string): string[] {
  const entries = live.metadata.managedFields ?? [];
  const out: string[] = [];
  const wanted = desired as unknown as Record<string, unknown>;
  let applyEntries = 0;
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i];
    if (entry?.manager !== fieldManager || entry.operation !== 'Apply' || entry.subresource !== undefined)
      continue;
    applyEntries++;
    const fields = entry.fieldsV1 ?? {};
    for (const key in fields) {
      if (!key.startsWith('f:') || !Object.hasOwn(fields, key)) continue;
      const top = key.slice(2);
      const owned = fields[key];
      if (top === 'metadata') {
        const meta = isRecord(owned) ? owned : {};
        pushMissing(out, meta['f:labels'], desired.metadata.labels, 'metadata.labels');
        pushMissing(out, meta['f:annotations'], desired.metadata.annotations, 'metadata.annotations');
      } else if (top !== 'status') {
        if (wanted[top] === undefined) out.push(top);
        else pushMissing(out, owned, wanted[top], top);
      }
    }
  }
  // One entry names each field once; only several entries (never written by us, but possible) repeat one.
  return applyEntries > 1 ? [...new Set(out)] : out;
}
