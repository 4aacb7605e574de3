import { SERVER_SET_METADATA_FIELDS } from '@kcp-tmc/interfaces';
import { isPlainObject, type JsonObject } from '../api/types.js';
import { listSemantics } from './schema.js';

/**
 * A set of field paths, as server-side apply tracks ownership, stored as a trie whose edge labels are
 * FieldsV1 keys: `f:<field>`, `k:<json of key fields>`, `v:<json value>`. `member` marks a path that is
 * in the set itself (a leaf, a list item, or an empty/null value).
 */
export class FieldSet {
  member = false;
  readonly children = new Map<string, FieldSet>();

  child(key: string): FieldSet {
    let c = this.children.get(key);
    if (!c) {
      c = new FieldSet();
      this.children.set(key, c);
    }
    return c;
  }

  get empty(): boolean {
    return !this.member && this.children.size === 0;
  }

  /** FieldsV1 JSON (`.` marks a member that also has children). */
  toFieldsV1(): JsonObject {
    const out: JsonObject = {};
    if (this.member && this.children.size > 0) out['.'] = {};
    for (const k of [...this.children.keys()].sort()) out[k] = this.children.get(k)!.toFieldsV1();
    return out;
  }

  static fromFieldsV1(json: unknown): FieldSet {
    const set = new FieldSet();
    if (!isPlainObject(json)) return set;
    const keys = Object.keys(json);
    if (keys.length === 0) set.member = true;
    for (const k of keys) {
      if (k === '.') set.member = true;
      else set.children.set(k, FieldSet.fromFieldsV1(json[k]));
    }
    return set;
  }

  /** Leaf-first list of every member path. */
  paths(prefix: string[] = []): string[][] {
    const out: string[][] = [];
    if (this.member) out.push(prefix);
    for (const [k, c] of this.children) out.push(...c.paths([...prefix, k]));
    return out;
  }

  has(path: string[]): boolean {
    let cur: FieldSet | undefined = this;
    for (const p of path) {
      cur = cur.children.get(p);
      if (!cur) return false;
    }
    return cur.member;
  }

  insert(path: string[]): void {
    let cur: FieldSet = this;
    for (const p of path) cur = cur.child(p);
    cur.member = true;
  }

  /** Removes the member paths in `other`; prunes empty branches. */
  difference(other: FieldSet): FieldSet {
    const out = new FieldSet();
    out.member = this.member && !other.member;
    for (const [k, c] of this.children) {
      const o = other.children.get(k);
      const d = o ? c.difference(o) : c.clone();
      if (!d.empty) out.children.set(k, d);
    }
    return out;
  }

  union(other: FieldSet): FieldSet {
    const out = this.clone();
    out.member ||= other.member;
    for (const [k, c] of other.children) {
      const mine = out.children.get(k);
      out.children.set(k, mine ? mine.union(c) : c.clone());
    }
    return out;
  }

  intersection(other: FieldSet): FieldSet {
    const out = new FieldSet();
    out.member = this.member && other.member;
    for (const [k, c] of this.children) {
      const o = other.children.get(k);
      if (!o) continue;
      const i = c.intersection(o);
      if (!i.empty) out.children.set(k, i);
    }
    return out;
  }

  clone(): FieldSet {
    const out = new FieldSet();
    out.member = this.member;
    for (const [k, c] of this.children) out.children.set(k, c.clone());
    return out;
  }
}

/** `k:{"name":"x"}` for a keyed list item (keys sorted, as structured-merge-diff serializes them). */
export function itemKey(item: Record<string, unknown>, keys: string[]): string {
  const parts = [...keys].sort().map((k) => `${JSON.stringify(k)}:${JSON.stringify(item[k] ?? null)}`);
  return `k:{${parts.join(',')}}`;
}

/** Default values of list-map keys that the apiserver fills in before keying (ports' protocol). */
export function keyedItem(item: Record<string, unknown>, keys: string[]): Record<string, unknown> {
  if (keys.includes('protocol') && item.protocol === undefined) return { ...item, protocol: 'TCP' };
  return item;
}

/** Field paths the apiserver never tracks ownership of (fieldmanager's stripMeta). */
const STRIPPED_METADATA: ReadonlySet<string> = new Set(['name', 'namespace', ...SERVER_SET_METADATA_FIELDS]);

function stripped(path: readonly string[]): boolean {
  if (path.length === 1) return path[0] === 'apiVersion' || path[0] === 'kind';
  if (path.length === 2 && path[0] === 'metadata') return STRIPPED_METADATA.has(path[1]!);
  return false;
}

/**
 * The set of fields an object (or apply configuration) specifies, like TypedValue.ToFieldSet: scalars,
 * keyed list items (and their fields), set items, atomic lists, and empty objects are members. Objects
 * of unknown schema are treated as structs.
 */
export function fieldSetOf(obj: Record<string, unknown>, builtin: boolean): FieldSet {
  const root = new FieldSet();
  walk(obj, [], root, builtin);
  return root;
}

function walk(value: unknown, names: string[], node: FieldSet, builtin: boolean): void {
  if (isPlainObject(value)) {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined);
    if (entries.length === 0 && names.length > 0) {
      node.member = true;
      return;
    }
    for (const [k, v] of entries) {
      const path = [...names, k];
      if (stripped(path)) continue;
      // Maps of strings (labels, annotations, data, selectors) are granular: each key is owned.
      const child = new FieldSet();
      walk(v, path, child, builtin);
      if (!child.empty) node.children.set(`f:${k}`, child);
    }
    return;
  }
  if (Array.isArray(value)) {
    const sem = listSemantics(names, builtin);
    if (sem.type === 'atomic') {
      node.member = true;
      return;
    }
    for (const item of value) {
      if (sem.type === 'set') {
        node.child(`v:${JSON.stringify(item)}`).member = true;
      } else if (isPlainObject(item)) {
        const itemNode = node.child(itemKey(keyedItem(item, sem.keys), sem.keys));
        itemNode.member = true;
        walk(item, names, itemNode, builtin);
      }
    }
    if (value.length === 0) node.member = true;
    return;
  }
  node.member = true;
}

/** Human-readable path, as structured-merge-diff prints it in conflicts: `.spec.containers[name="x"].image`. */
export function pathString(path: string[]): string {
  return path
    .map((p) => {
      if (p.startsWith('f:')) return `.${p.slice(2)}`;
      if (p.startsWith('v:')) return `[=${p.slice(2)}]`;
      if (p.startsWith('k:')) {
        const obj = JSON.parse(p.slice(2)) as Record<string, unknown>;
        return `[${Object.entries(obj)
          .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
          .join(',')}]`;
      }
      return p;
    })
    .join('');
}
