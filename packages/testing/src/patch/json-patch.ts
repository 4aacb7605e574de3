import { isPlainObject, jsonEqual } from '../api/types.js';

/** A failed JSON patch operation (kube-apiserver answers 422). */
export class JsonPatchError extends Error {}

interface Operation {
  op: string;
  path: string;
  from?: string;
  value?: unknown;
}

function parsePointer(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) throw new JsonPatchError(`invalid JSON pointer: ${pointer}`);
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

type Container = Record<string, unknown> | unknown[];

function resolveParent(doc: unknown, tokens: string[], path: string): { parent: Container; key: string } {
  let cur: unknown = doc;
  for (const t of tokens.slice(0, -1)) {
    if (Array.isArray(cur)) cur = cur[Number(t)];
    else if (isPlainObject(cur)) cur = cur[t];
    else cur = undefined;
    if (cur === undefined) throw new JsonPatchError(`doc is missing path: "${path}": missing value`);
  }
  if (!Array.isArray(cur) && !isPlainObject(cur))
    throw new JsonPatchError(`doc is missing path: "${path}": missing value`);
  return { parent: cur, key: tokens[tokens.length - 1]! };
}

function arrayIndex(arr: unknown[], key: string, forAdd: boolean, path: string): number {
  if (forAdd && key === '-') return arr.length;
  const i = Number(key);
  if (!/^\d+$/.test(key) || i > arr.length || (!forAdd && i >= arr.length)) {
    throw new JsonPatchError(`Unable to access invalid index: ${key}: invalid index referenced: ${path}`);
  }
  return i;
}

function get(doc: unknown, path: string): unknown {
  let cur = doc;
  for (const t of parsePointer(path)) {
    if (Array.isArray(cur)) cur = cur[Number(t)];
    else if (isPlainObject(cur)) cur = Object.hasOwn(cur, t) ? cur[t] : undefined;
    else cur = undefined;
    if (cur === undefined) throw new JsonPatchError(`doc is missing path: "${path}": missing value`);
  }
  return cur;
}

function add(doc: unknown, path: string, value: unknown): unknown {
  const tokens = parsePointer(path);
  if (tokens.length === 0) return value;
  const { parent, key } = resolveParent(doc, tokens, path);
  if (Array.isArray(parent)) parent.splice(arrayIndex(parent, key, true, path), 0, value);
  else parent[key] = value;
  return doc;
}

function remove(doc: unknown, path: string): unknown {
  const tokens = parsePointer(path);
  const { parent, key } = resolveParent(doc, tokens, path);
  if (Array.isArray(parent)) parent.splice(arrayIndex(parent, key, false, path), 1);
  else {
    if (!Object.hasOwn(parent, key))
      throw new JsonPatchError(`Unable to remove nonexistent key: ${key}: missing value`);
    delete parent[key];
  }
  return doc;
}

/** JSON patch (RFC 6902) over a deep copy of `doc`. */
export function applyJsonPatch(doc: unknown, patch: unknown): unknown {
  if (!Array.isArray(patch))
    throw new JsonPatchError('json: cannot unmarshal object into Go value of type jsonpatch.Patch');
  let out = structuredClone(doc);
  for (const raw of patch as Operation[]) {
    if (!isPlainObject(raw) || typeof raw.op !== 'string' || typeof raw.path !== 'string') {
      throw new JsonPatchError('Unexpected kind: unknown');
    }
    switch (raw.op) {
      case 'add':
        out = add(out, raw.path, structuredClone(raw.value));
        break;
      case 'remove':
        out = remove(out, raw.path);
        break;
      case 'replace':
        get(out, raw.path);
        out =
          parsePointer(raw.path).length === 0
            ? structuredClone(raw.value)
            : add(remove(out, raw.path), raw.path, structuredClone(raw.value));
        break;
      case 'move': {
        const value = get(out, raw.from ?? '');
        out = add(remove(out, raw.from ?? ''), raw.path, value);
        break;
      }
      case 'copy':
        out = add(out, raw.path, structuredClone(get(out, raw.from ?? '')));
        break;
      case 'test':
        if (!jsonEqual(get(out, raw.path), raw.value))
          throw new JsonPatchError(`testing value ${raw.path} failed: test failed`);
        break;
      default:
        throw new JsonPatchError(`Unexpected kind: ${raw.op}`);
    }
  }
  return out;
}
