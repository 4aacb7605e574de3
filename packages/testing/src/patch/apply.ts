import { parse as parseYaml } from 'yaml';
import { KCP_CLUSTER_ANNOTATION, timestamp } from '../api/meta.js';
import { grKey, groupVersion } from '../api/resource-type.js';
import type { ResourceService } from '../api/service.js';
import { applyConflict, badRequest, notFound, type StatusCause } from '../api/status.js';
import type { Target, WriteOptions, WriteResult } from '../api/target.js';
import { cloneJson, isPlainObject, jsonEqual, type KubeObject } from '../api/types.js';
import { type FieldSet, fieldSetOf, keyedItem, pathString } from './fieldset.js';
import {
  decodeManagedFields,
  encodeManagedFields,
  type ManagedSet,
  type ManagerIdentity,
  scopeFieldSet,
  valueAt,
  type WriteScope,
} from './managed-fields.js';
import { listSemantics } from './schema.js';

type Obj = Record<string, unknown>;

function parseApplyBody(text: string): KubeObject {
  let value: unknown;
  try {
    value = parseYaml(text);
  } catch (err) {
    throw badRequest(`error decoding YAML: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (!isPlainObject(value))
    throw badRequest('error decoding YAML: the apply configuration must be an object');
  if (typeof value.apiVersion !== 'string' || typeof value.kind !== 'string') {
    throw badRequest('apiVersion and kind must be set in an apply configuration');
  }
  if (!isPlainObject(value.metadata)) value.metadata = {};
  return value as KubeObject;
}

/** structured-merge-diff's manager printing: `"name"` for appliers, `"name" using <apiVersion>` for updaters. */
function printManager(e: ManagedSet['entry']): string {
  let s = JSON.stringify(e.manager);
  if (e.subresource) s += ` with subresource ${JSON.stringify(e.subresource)}`;
  return e.operation === 'Update' ? `${s} using ${e.apiVersion}` : s;
}

function conflictError(conflicts: { manager: ManagedSet['entry']; path: string[] }[]): Error {
  const causes: StatusCause[] = conflicts.map((c) => ({
    reason: 'FieldManagerConflict',
    message: `conflict with ${printManager(c.manager)}`,
    field: pathString(c.path),
  }));
  if (conflicts.length === 1) {
    const c = conflicts[0]!;
    return applyConflict(
      causes,
      `Apply failed with 1 conflict: conflict with ${printManager(c.manager)}: ${pathString(c.path)}`,
    );
  }
  const byManager = new Map<string, { entry: ManagedSet['entry']; paths: string[][] }>();
  for (const c of conflicts) {
    const key = printManager(c.manager);
    const group = byManager.get(key) ?? { entry: c.manager, paths: [] };
    group.paths.push(c.path);
    byManager.set(key, group);
  }
  const lines: string[] = [];
  for (const key of [...byManager.keys()].sort()) {
    lines.push(`conflicts with ${key}`);
    for (const p of byManager.get(key)!.paths) lines.push(`- ${pathString(p)}`);
  }
  return applyConflict(causes, `Apply failed with ${conflicts.length} conflicts: ${lines.join('\n')}`);
}

/** Merges an apply configuration into the live object: keyed lists by key, sets as unions, the rest replaced. */
function mergeApplied(live: unknown, applied: unknown, names: string[], builtin: boolean): unknown {
  if (isPlainObject(applied)) {
    const out: Obj = isPlainObject(live) ? { ...live } : {};
    for (const [k, v] of Object.entries(applied)) {
      if (v === null) delete out[k];
      else out[k] = mergeApplied(out[k], v, [...names, k], builtin);
    }
    return out;
  }
  if (Array.isArray(applied)) {
    const sem = listSemantics(names, builtin);
    if (sem.type === 'atomic' || !Array.isArray(live)) return cloneJson(applied);
    const out = [...live];
    if (sem.type === 'set') {
      for (const item of applied) if (!out.some((o) => jsonEqual(o, item))) out.push(item);
      return out;
    }
    for (const item of applied) {
      if (!isPlainObject(item)) continue;
      const key = keyedItem(item, sem.keys);
      const idx = out.findIndex(
        (o) => isPlainObject(o) && sem.keys.every((k) => jsonEqual(keyedItem(o, sem.keys)[k], key[k])),
      );
      if (idx >= 0) out[idx] = mergeApplied(out[idx], item, names, builtin);
      else out.push(cloneJson(item));
    }
    return out;
  }
  return applied;
}

/** Deletes the field, list item or set value at a FieldsV1 path. */
function removePath(obj: Obj, path: string[], builtin: boolean): void {
  if (path.length === 0 || (path.length === 1 && path[0] === 'f:metadata')) return;
  const parentPath = path.slice(0, -1);
  const last = path[path.length - 1]!;
  const parent = parentPath.length === 0 ? obj : valueAt(obj, parentPath, builtin);
  if (last.startsWith('f:') && isPlainObject(parent)) {
    delete parent[last.slice(2)];
  } else if (Array.isArray(parent)) {
    const target = valueAt(obj, path, builtin);
    const idx = parent.findIndex((x) => x === target || (last.startsWith('v:') && jsonEqual(x, target)));
    if (idx >= 0) parent.splice(idx, 1);
  }
}

function ownedByAny(sets: ManagedSet[], path: string[]): boolean {
  return sets.some((s) => {
    let cur: FieldSet | undefined = s.set;
    for (const p of path) {
      cur = cur.children.get(p);
      if (!cur) return false;
    }
    return !cur.empty;
  });
}

/** The apply configuration must name the URL's apiVersion, kind and (when it names one) object. */
function checkApplyIdentity(target: Target, applied: KubeObject, gv: string): void {
  const rt = target.rt;
  if (applied.apiVersion !== gv || applied.kind !== rt.kind) {
    throw badRequest(
      `the apply configuration's apiVersion/kind (${applied.apiVersion}, ${applied.kind}) does not match the expected (${gv}, ${rt.kind})`,
    );
  }
  if (applied.metadata.name !== undefined && applied.metadata.name !== target.name) {
    throw badRequest(
      `the name of the object (${applied.metadata.name}) does not match the name on the URL (${target.name})`,
    );
  }
}

type ApplyConflict = { manager: ManagedSet['entry']; path: string[] };

/** Leaf fields other managers own that this apply would change (the same value shares ownership instead). */
function applyConflicts(
  others: ManagedSet[],
  appliedSet: FieldSet,
  applied: KubeObject,
  old: KubeObject,
  builtin: boolean,
): ApplyConflict[] {
  const conflicts: ApplyConflict[] = [];
  for (const other of others) {
    const overlap = other.set.intersection(appliedSet);
    for (const path of overlap.paths()) {
      const desired = valueAt(applied, path, builtin);
      if (isPlainObject(desired) && Object.keys(desired).length > 0) continue;
      if (path[path.length - 1]?.startsWith('k:')) continue;
      if (!jsonEqual(valueAt(old, path, builtin), desired)) conflicts.push({ manager: other.entry, path });
    }
  }
  return conflicts;
}

/** Server-side apply (`application/apply-patch+yaml`): field ownership, conflicts, removal of dropped fields. */
export function serverSideApply(
  service: ResourceService,
  target: Target,
  text: string,
  opts: WriteOptions,
): WriteResult {
  const rt = target.rt;
  if (!opts.fieldManager)
    throw badRequest('PATCH, PUT, and POST requests with apply patches require a fieldManager');
  const applied = parseApplyBody(text);
  const gv = groupVersion(rt.group, target.version);
  checkApplyIdentity(target, applied, gv);
  applied.metadata.name = target.name!;
  const cluster =
    target.cluster === '*' ? applied.metadata.annotations?.[KCP_CLUSTER_ANNOTATION] : target.cluster;
  if (cluster === undefined) throw badRequest('a logical cluster is required for apply');
  const scope: WriteScope =
    target.subresource === 'status' ? 'status' : rt.subresources.status ? 'main' : 'all';
  const appliedSet = scopeFieldSet(fieldSetOf(applied, rt.builtin), scope);
  const id: ManagerIdentity = {
    manager: opts.fieldManager,
    operation: 'Apply',
    apiVersion: gv,
    time: timestamp(),
    ...(target.subresource === 'status' ? { subresource: 'status' } : {}),
  };
  const stored = service.store.get(cluster, grKey(rt), target.namespace ?? '', target.name!);
  if (!stored || (target.visible && !target.visible(cluster, stored))) {
    if (target.subresource || target.view) throw notFound(rt, target.name!);
    return service.create({ ...target, cluster }, applied, opts, 'Apply', appliedSet);
  }
  // Through a transforming view (kcp's syncer virtual workspace) the apply works on what the client reads,
  // and the view rebuilds the write from the stored object.
  const old = target.view ? target.view.read(stored) : stored;
  const sets = decodeManagedFields(old);
  const isMine = (s: ManagedSet) =>
    s.entry.manager === id.manager &&
    s.entry.operation === 'Apply' &&
    (s.entry.subresource ?? '') === (id.subresource ?? '');
  const mine = sets.find(isMine);
  const others = sets.filter((s) => !isMine(s));
  const conflicts = applyConflicts(others, appliedSet, applied, old, rt.builtin);
  if (conflicts.length > 0) {
    if (!opts.force) throw conflictError(conflicts);
    for (const other of others) {
      for (const c of conflicts)
        if (c.manager === other.entry) other.set = other.set.difference(setOf([c.path]));
    }
  }
  const body = applied;
  let next = mergeApplied(cloneJson(old), stripMetaForMerge(body), [], rt.builtin) as KubeObject;
  // Fields this manager applied before and no longer applies go away unless someone else owns them.
  if (mine) {
    const dropped = mine.set
      .difference(appliedSet)
      .paths()
      .sort((a, b) => b.length - a.length);
    next = cloneJson(next);
    for (const path of dropped) if (!ownedByAny(others, path)) removePath(next, path, rt.builtin);
  }
  next.metadata.resourceVersion = old.metadata.resourceVersion;
  // Re-applying the same fields keeps the old timestamp, so an unchanged apply writes nothing.
  const unchanged = mine !== undefined && jsonEqual(mine.set.toFieldsV1(), appliedSet.toFieldsV1());
  const time = unchanged ? (mine.entry.time ?? id.time) : id.time;
  const managed = encodeManagedFields([
    ...others,
    {
      entry: { ...(mine?.entry ?? { ...id, fieldsType: 'FieldsV1', fieldsV1: {} }), time, apiVersion: gv },
      set: appliedSet,
    },
  ]);
  if (target.view) return service.writeThroughView({ ...target, cluster }, cluster, stored, next, opts);
  return service.writeUpdate({ ...target, cluster }, cluster, old, next, opts, id, managed);
}

function setOf(paths: string[][]): FieldSet {
  const s = fieldSetOf({}, true);
  for (const p of paths) s.insert(p);
  return s;
}

/** Metadata the server owns never comes from an apply configuration. */
function stripMetaForMerge(obj: KubeObject): KubeObject {
  const meta = { ...obj.metadata };
  for (const k of [
    'uid',
    'resourceVersion',
    'generation',
    'creationTimestamp',
    'deletionTimestamp',
    'managedFields',
  ])
    delete meta[k];
  return { ...obj, metadata: meta };
}
