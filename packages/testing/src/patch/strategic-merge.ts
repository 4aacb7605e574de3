import { badRequest } from '../api/status.js';
import { isPlainObject, jsonEqual } from '../api/types.js';
import { listSemantics } from './schema.js';

// Strategic merge patch for built-in kinds: lists with a patch merge key merge item by item, lists of
// scalars with the merge strategy (finalizers) are unions, other lists are replaced. Directives:
// `$patch: replace|delete|merge`, `$retainKeys`, `$deleteFromPrimitiveList/<f>`, `$setElementOrder/<f>`.

type Obj = Record<string, unknown>;

const SET_ORDER = '$setElementOrder/';
const DELETE_PRIMITIVE = '$deleteFromPrimitiveList/';

export function applyStrategicMergePatch(original: unknown, patch: Obj, builtin: boolean): unknown {
  return mergeMap(isPlainObject(original) ? original : {}, patch, [], builtin);
}

function stripDirectives(value: unknown): unknown {
  if (Array.isArray(value))
    return value
      .filter((v) => !(isPlainObject(v) && v.$patch !== undefined && Object.keys(v).length === 1))
      .map(stripDirectives);
  if (!isPlainObject(value)) return value;
  const out: Obj = {};
  for (const [k, v] of Object.entries(value)) {
    if (k.startsWith('$')) continue;
    out[k] = stripDirectives(v);
  }
  return out;
}

function mergeMap(original: Obj, patch: Obj, names: string[], builtin: boolean): Obj | undefined {
  const directive = patch.$patch;
  if (directive === 'delete') return undefined;
  if (directive === 'replace') return stripDirectives(patch) as Obj;
  if (directive !== undefined && directive !== 'merge')
    throw badRequest(`Unknown patch type: ${String(directive)}`);
  const out: Obj = { ...original };
  const orders: [string, unknown[]][] = [];
  for (const [k, v] of Object.entries(patch)) {
    if (k === '$patch') continue;
    if (k === '$retainKeys') continue;
    if (k.startsWith(SET_ORDER)) {
      if (Array.isArray(v)) orders.push([k.slice(SET_ORDER.length), v]);
      continue;
    }
    if (k.startsWith(DELETE_PRIMITIVE)) {
      const field = k.slice(DELETE_PRIMITIVE.length);
      const current = out[field];
      if (Array.isArray(current) && Array.isArray(v))
        out[field] = current.filter((x) => !v.some((d) => jsonEqual(d, x)));
      continue;
    }
    const path = [...names, k];
    if (v === null) {
      delete out[k];
    } else if (isPlainObject(v)) {
      const merged = mergeMap(isPlainObject(out[k]) ? (out[k] as Obj) : {}, v, path, builtin);
      if (merged === undefined) delete out[k];
      else out[k] = merged;
    } else if (Array.isArray(v)) {
      out[k] = mergeList(Array.isArray(out[k]) ? (out[k] as unknown[]) : [], v, path, builtin);
    } else {
      out[k] = v;
    }
  }
  if (Array.isArray(patch.$retainKeys)) {
    const keep = new Set(patch.$retainKeys.map(String));
    for (const k of Object.keys(out)) if (!keep.has(k)) delete out[k];
  }
  for (const [field, order] of orders) {
    if (Array.isArray(out[field]))
      out[field] = reorder(out[field] as unknown[], order, [...names, field], builtin);
  }
  return out;
}

function mergeList(original: unknown[], patch: unknown[], names: string[], builtin: boolean): unknown[] {
  if (patch.some((p) => isPlainObject(p) && p.$patch === 'replace'))
    return stripDirectives(patch) as unknown[];
  const sem = listSemantics(names, builtin);
  // Like kube's strategic merge without $setElementOrder: the patch's items first (merged with their
  // originals), then the original items the patch does not mention, in their original order.
  if (sem.type === 'set') {
    const out = [...patch];
    for (const item of original) if (!out.some((o) => jsonEqual(o, item))) out.push(item);
    return out;
  }
  if (sem.type !== 'map') return stripDirectives(patch) as unknown[];
  const key = sem.smpKey;
  const rest = [...original];
  const out: unknown[] = [];
  for (const item of patch) {
    if (!isPlainObject(item)) continue;
    const idx = rest.findIndex((o) => isPlainObject(o) && o[key] === item[key]);
    const existing = idx >= 0 ? (rest.splice(idx, 1)[0] as Obj) : undefined;
    if (item.$patch === 'delete') continue;
    if (existing) {
      const merged = mergeMap(existing, item, names, builtin);
      if (merged !== undefined) out.push(merged);
    } else {
      out.push(stripDirectives(item));
    }
  }
  return [...out, ...rest];
}

function reorder(list: unknown[], order: unknown[], names: string[], builtin: boolean): unknown[] {
  const sem = listSemantics(names, builtin);
  const same = (item: unknown, o: unknown) =>
    sem.type === 'map' && isPlainObject(item) && isPlainObject(o)
      ? item[sem.smpKey] === o[sem.smpKey]
      : jsonEqual(item, o);
  const ordered: unknown[] = [];
  for (const o of order) {
    const found = list.find((item) => same(item, o));
    if (found !== undefined && !ordered.includes(found)) ordered.push(found);
  }
  for (const item of list) if (!ordered.includes(item)) ordered.push(item);
  return ordered;
}
