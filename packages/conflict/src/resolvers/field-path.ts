import { isRecord, jsonEqual } from '@kcp-tmc/interfaces';

/**
 * Field paths as the API server names them in apply conflicts (structured-merge-diff's path strings, without
 * the leading dot): `spec.replicas`, `spec.template.spec.containers[name="web"].image`, `spec.ports[port=80,
 * protocol="TCP"]`, `metadata.finalizers[="x"]`, `spec.args[0]`.
 */
export type PathSegment =
  | { readonly field: string }
  | { readonly keys: Readonly<Record<string, unknown>> }
  | { readonly value: unknown }
  | { readonly index: number };

function splitTopLevel(text: string, separator: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '\\') i++;
      else if (ch === '"') quoted = false;
    } else if (ch === '"') quoted = true;
    else if (ch === '{' || ch === '[') depth++;
    else if (ch === '}' || ch === ']') depth--;
    else if (ch === separator && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts;
}

function parseSelector(inner: string): PathSegment {
  if (inner.startsWith('=')) return { value: JSON.parse(inner.slice(1)) as unknown };
  if (/^\d+$/.test(inner)) return { index: Number(inner) };
  const keys: Record<string, unknown> = {};
  for (const pair of splitTopLevel(inner, ',')) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new SyntaxError(`invalid list selector [${inner}]`);
    keys[pair.slice(0, eq)] = JSON.parse(pair.slice(eq + 1)) as unknown;
  }
  return { keys };
}

/** Parses a field path; throws SyntaxError on a malformed one. */
export function parseFieldPath(path: string): PathSegment[] {
  const text = path.startsWith('.') ? path.slice(1) : path;
  const segments: PathSegment[] = [];
  let i = 0;
  while (i < text.length) {
    if (text[i] === '[') {
      let j = i + 1;
      let quoted = false;
      for (; j < text.length; j++) {
        const ch = text[j];
        if (quoted) {
          if (ch === '\\') j++;
          else if (ch === '"') quoted = false;
        } else if (ch === '"') quoted = true;
        else if (ch === ']') break;
      }
      if (j >= text.length) throw new SyntaxError(`unterminated list selector in ${path}`);
      segments.push(parseSelector(text.slice(i + 1, j)));
      i = j + 1;
      if (text[i] === '.') i++;
      continue;
    }
    let j = i;
    while (j < text.length && text[j] !== '.' && text[j] !== '[') j++;
    if (j === i) throw new SyntaxError(`empty field name in ${path}`);
    segments.push({ field: text.slice(i, j) });
    i = text[j] === '.' ? j + 1 : j;
  }
  return segments;
}

interface Step {
  /** The container holding the element, and how to address the element in it. */
  container: Record<string, unknown> | unknown[];
  key: string | number;
  /** Field segments consumed (field names may contain dots, e.g. label keys). */
  consumed: number;
}

function step(node: unknown, segments: readonly PathSegment[], at: number): Step | undefined {
  const segment = segments[at];
  if (segment === undefined) return undefined;
  if ('field' in segment) {
    if (!isRecord(node)) return undefined;
    // Longest match first: `metadata.labels.app.kubernetes.io/name` names the key `app.kubernetes.io/name`.
    let name = '';
    let best: Step | undefined;
    for (let k = at; k < segments.length; k++) {
      const s = segments[k];
      if (s === undefined || !('field' in s)) break;
      name = k === at ? s.field : `${name}.${s.field}`;
      if (Object.hasOwn(node, name)) best = { container: node, key: name, consumed: k - at + 1 };
    }
    return best;
  }
  if (!Array.isArray(node)) return undefined;
  let index = -1;
  if ('index' in segment) index = segment.index < node.length ? segment.index : -1;
  else if ('value' in segment) index = node.findIndex((item) => jsonEqual(item, segment.value));
  else {
    index = node.findIndex(
      (item) => isRecord(item) && Object.entries(segment.keys).every(([k, v]) => jsonEqual(item[k], v)),
    );
  }
  return index < 0 ? undefined : { container: node, key: index, consumed: 1 };
}

function locate(root: unknown, segments: readonly PathSegment[]): Step | undefined {
  let node = root;
  let at = 0;
  let last: Step | undefined;
  while (at < segments.length) {
    last = step(node, segments, at);
    if (last === undefined) return undefined;
    node = (last.container as Record<string | number, unknown>)[last.key];
    at += last.consumed;
  }
  return last;
}

/** The value at a path, or undefined when any step is missing. */
export function getPath(root: unknown, segments: readonly PathSegment[]): unknown {
  const found = locate(root, segments);
  return found === undefined ? undefined : (found.container as Record<string | number, unknown>)[found.key];
}

/** Removes the field or list element at a path. Returns whether something was removed. */
export function removePath(root: unknown, segments: readonly PathSegment[]): boolean {
  const found = locate(root, segments);
  if (found === undefined) return false;
  if (Array.isArray(found.container)) found.container.splice(found.key as number, 1);
  else delete found.container[found.key as string];
  return true;
}
