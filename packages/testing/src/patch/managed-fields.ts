import { isPlainObject, jsonEqual, type KubeObject, type ManagedFieldsEntry } from '../api/types.js';
import { FieldSet, fieldSetOf, keyedItem } from './fieldset.js';
import { listSemantics } from './schema.js';

export interface ManagerIdentity {
  manager: string;
  operation: 'Apply' | 'Update';
  apiVersion: string;
  /** `status` for writes through the status subresource. */
  subresource?: string;
  time: string;
}

export interface ManagedSet {
  entry: ManagedFieldsEntry;
  set: FieldSet;
}

/** Which part of the object a write may touch: everything, all but status, or only status. */
export type WriteScope = 'all' | 'main' | 'status';

export function decodeManagedFields(obj: KubeObject): ManagedSet[] {
  const entries = obj.metadata.managedFields ?? [];
  return entries.map((entry) => ({ entry, set: FieldSet.fromFieldsV1(entry.fieldsV1) }));
}

function sameManager(e: ManagedFieldsEntry, id: ManagerIdentity): boolean {
  return (
    e.manager === id.manager &&
    e.operation === id.operation &&
    (e.subresource ?? '') === (id.subresource ?? '')
  );
}

/** Restricts a field set to the part of the object a write scope owns. */
export function scopeFieldSet(set: FieldSet, scope: WriteScope): FieldSet {
  if (scope === 'all') return set;
  const out = new FieldSet();
  for (const [k, c] of set.children) {
    if ((k === 'f:status') === (scope === 'status')) out.children.set(k, c);
  }
  return out;
}

/** Resolves a FieldsV1 path in an object; undefined when absent. */
export function valueAt(obj: unknown, path: string[], builtin: boolean): unknown {
  let cur: unknown = obj;
  const names: string[] = [];
  for (const p of path) {
    if (p.startsWith('f:')) {
      if (!isPlainObject(cur)) return undefined;
      const name = p.slice(2);
      names.push(name);
      cur = cur[name];
    } else if (p.startsWith('k:')) {
      if (!Array.isArray(cur)) return undefined;
      const sem = listSemantics(names, builtin);
      const want = JSON.parse(p.slice(2)) as Record<string, unknown>;
      const keys = sem.type === 'map' ? sem.keys : Object.keys(want);
      cur = cur.find(
        (item) =>
          isPlainObject(item) && keys.every((k) => jsonEqual(keyedItem(item, keys)[k] ?? null, want[k])),
      );
    } else if (p.startsWith('v:')) {
      if (!Array.isArray(cur)) return undefined;
      const want = JSON.parse(p.slice(2)) as unknown;
      cur = cur.some((item) => jsonEqual(item, want)) ? want : undefined;
    } else {
      return undefined;
    }
    if (cur === undefined) return undefined;
  }
  return cur;
}

/** Member paths of `next` whose value differs from `prev` (added or changed leaves). */
export function changedFields(
  prev: KubeObject | undefined,
  next: KubeObject,
  nextSet: FieldSet,
  builtin: boolean,
): FieldSet {
  const out = new FieldSet();
  for (const path of nextSet.paths()) {
    const before = prev === undefined ? undefined : valueAt(prev, path, builtin);
    if (before === undefined) {
      out.insert(path);
      continue;
    }
    const after = valueAt(next, path, builtin);
    // Containers (list items, non-empty objects) are owned through their children; compare leaves only.
    if (isPlainObject(after) && Object.keys(after).length > 0) continue;
    if (!jsonEqual(before, after)) out.insert(path);
  }
  return out;
}

function encode(sets: ManagedSet[]): ManagedFieldsEntry[] {
  return sets
    .filter((s) => !s.set.empty || s.entry.operation === 'Apply')
    .map((s) => {
      const entry: ManagedFieldsEntry = {
        manager: s.entry.manager,
        operation: s.entry.operation,
        apiVersion: s.entry.apiVersion,
        ...(s.entry.time ? { time: s.entry.time } : {}),
        fieldsType: 'FieldsV1',
        fieldsV1: s.set.toFieldsV1(),
      };
      if (s.entry.subresource) entry.subresource = s.entry.subresource;
      return entry;
    });
}

/**
 * managedFields after a non-apply write (create, update, patch): the writer gains the fields it changed,
 * every other manager loses them, and fields no longer in the object are dropped from every manager.
 */
export function managedFieldsAfterUpdate(
  prev: KubeObject | undefined,
  next: KubeObject,
  id: ManagerIdentity,
  scope: WriteScope,
  builtin: boolean,
): ManagedFieldsEntry[] {
  const nextSet = fieldSetOf(next, builtin);
  const changed = scopeFieldSet(changedFields(prev, next, nextSet, builtin), scope);
  const sets = prev ? decodeManagedFields(prev) : [];
  let mine: ManagedSet | undefined;
  for (const s of sets) {
    s.set = s.set.intersection(nextSet);
    if (sameManager(s.entry, id)) mine = s;
    else s.set = s.set.difference(changed);
  }
  if (!changed.empty || mine) {
    if (!mine) {
      mine = { entry: { ...entryFor(id), fieldsV1: {} }, set: new FieldSet() };
      sets.push(mine);
    }
    mine.set = mine.set.union(changed);
    if (!changed.empty) mine.entry = { ...mine.entry, time: id.time, apiVersion: id.apiVersion };
  }
  return encode(sets);
}

export function entryFor(id: ManagerIdentity): ManagedFieldsEntry {
  return {
    manager: id.manager,
    operation: id.operation,
    apiVersion: id.apiVersion,
    time: id.time,
    fieldsType: 'FieldsV1',
    fieldsV1: {},
    ...(id.subresource ? { subresource: id.subresource } : {}),
  };
}

export { encode as encodeManagedFields };
