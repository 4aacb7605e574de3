import { fieldManagerCauses } from '@kcp-tmc/conflict';
import { type KubeObject, type ManagedFieldsEntry, TmcError, TmcErrorType } from '@kcp-tmc/interfaces';
import { removedOwnedFields } from '../diff/owned-fields.js';
import type { WriteTarget } from './strategies.js';

// Objects are created by POST (a create cannot take over an object someone else made, so no GET before it), and
// a POST records our fields under an Update entry of our field manager. Server-side apply treats that entry as
// another manager: a later apply conflicts with it ("conflict with \"<us>\" using v1") and cannot remove the
// fields it holds. So when it matters, the entry is turned into our Apply entry by writing managedFields
// directly, as kube-apiserver allows (one merge patch, once per object, never on the create path).

/** A 409 whose every field-manager conflict is with our own Update entry. */
export function isSelfConflict(err: unknown, fieldManager: string): boolean {
  if (!(err instanceof TmcError) || err.type !== TmcErrorType.ResourceConflict) return false;
  const causes = fieldManagerCauses(err.causes);
  const ours = `conflict with ${JSON.stringify(fieldManager)} using `;
  return causes.length > 0 && causes.every((c) => (c.message ?? '').startsWith(ours));
}

const isOurUpdate = (e: ManagedFieldsEntry, fieldManager: string) =>
  e.manager === fieldManager && e.operation === 'Update' && e.subresource === undefined;

/**
 * Whether our Update entry of `written` holds a field we sent before (`lastApplied`) that `desired` dropped: an
 * apply leaves such a field in place. Fields the server defaulted are in that entry too; they are not counted.
 * Without `lastApplied` (after a restart) every held field `desired` lacks counts.
 */
export function heldByOurUpdate(
  written: KubeObject,
  desired: KubeObject,
  fieldManager: string,
  lastApplied?: KubeObject,
): boolean {
  const entries = (written.metadata.managedFields ?? []).filter((e) => isOurUpdate(e, fieldManager));
  if (entries.length === 0) return false;
  const asApply = entries.map((e) => ({ ...e, operation: 'Apply' as const }));
  const view: KubeObject = { ...written, metadata: { ...written.metadata, managedFields: asApply } };
  const dropped = removedOwnedFields(view, desired, fieldManager);
  if (lastApplied === undefined) return dropped.length > 0;
  const neverSent = new Set(removedOwnedFields(view, lastApplied, fieldManager));
  return dropped.some((field) => !neverSent.has(field));
}

function union(a: Record<string, unknown>, b: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...a };
  for (const [k, v] of Object.entries(b)) {
    const mine = out[k];
    out[k] =
      mine !== null && typeof mine === 'object' && v !== null && typeof v === 'object'
        ? union(mine as Record<string, unknown>, v as Record<string, unknown>)
        : v;
  }
  return out;
}

/** `entries` with our Update entries folded into our Apply entry (made if missing); undefined if none. */
export function foldedEntries(
  entries: readonly ManagedFieldsEntry[],
  fieldManager: string,
): ManagedFieldsEntry[] | undefined {
  const updates = entries.filter((e) => isOurUpdate(e, fieldManager));
  if (updates.length === 0) return undefined;
  const isOurApply = (e: ManagedFieldsEntry) =>
    e.manager === fieldManager && e.operation === 'Apply' && e.subresource === undefined;
  const apply = entries.find(isOurApply);
  let fields = (apply?.fieldsV1 ?? {}) as Record<string, unknown>;
  for (const u of updates) fields = union(fields, (u.fieldsV1 ?? {}) as Record<string, unknown>);
  const first = updates[0] as ManagedFieldsEntry;
  const folded: ManagedFieldsEntry = { ...(apply ?? first), operation: 'Apply', fieldsV1: fields };
  return [...entries.filter((e) => !isOurUpdate(e, fieldManager) && !isOurApply(e)), folded];
}

/**
 * Makes our Update entry of `live` (read from the server, managedFields included) our Apply entry; the
 * resourceVersion makes it a no-op on a newer object. Returns the written object, or `live` if nothing to do.
 */
export async function foldOurUpdateEntry(target: WriteTarget, live: KubeObject): Promise<KubeObject> {
  const managedFields = foldedEntries(live.metadata.managedFields ?? [], target.fieldManager);
  if (managedFields === undefined) return live;
  const namespace = live.metadata.namespace;
  return target.client.patch(
    target.gvr,
    { name: live.metadata.name as string, ...(namespace ? { namespace } : {}) },
    'merge',
    { metadata: { resourceVersion: live.metadata.resourceVersion, managedFields } },
    { fieldManager: target.fieldManager },
  );
}
