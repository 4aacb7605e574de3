import { isPlainObject } from '../types.js';

/** One step of the simple JSONPath subset CRD printer columns use. */
type Step =
  | { kind: 'field'; name: string }
  | { kind: 'index'; index: number }
  | { kind: 'all' }
  | { kind: 'filter'; path: string[]; op: '==' | '!='; value: string };

const FIELD = /^[A-Za-z0-9_-]+/;

function unquote(s: string): string {
  const t = s.trim();
  const q = t[0];
  if ((q === '"' || q === "'") && t.endsWith(q!)) return t.slice(1, -1).replace(/\\(.)/g, '$1');
  return t;
}

/** Parses `.a.b[0]['c\.d'][*][?(@.type=="Ready")].status`; throws on anything else. */
export function parseJsonPath(path: string): Step[] {
  const steps: Step[] = [];
  let rest = path.trim().replace(/^\{|\}$/g, '');
  if (rest.startsWith('$')) rest = rest.slice(1);
  while (rest.length > 0) {
    if (rest.startsWith('.')) {
      rest = rest.slice(1);
      if (rest.startsWith('*')) {
        steps.push({ kind: 'all' });
        rest = rest.slice(1);
        continue;
      }
      const m = FIELD.exec(rest);
      if (!m) throw new Error(`unrecognized JSONPath at ${rest}`);
      steps.push({ kind: 'field', name: m[0] });
      rest = rest.slice(m[0].length);
    } else if (rest.startsWith('[')) {
      const end = findClose(rest);
      const inner = rest.slice(1, end);
      rest = rest.slice(end + 1);
      const filter = /^\?\(@((?:\.[A-Za-z0-9_-]+)+)\s*(==|!=)\s*(.+)\)$/.exec(inner);
      if (inner === '*') steps.push({ kind: 'all' });
      else if (/^-?\d+$/.test(inner)) steps.push({ kind: 'index', index: Number(inner) });
      else if (filter)
        steps.push({
          kind: 'filter',
          path: filter[1]!.slice(1).split('.'),
          op: filter[2] as '==' | '!=',
          value: unquote(filter[3]!),
        });
      else if (/^['"]/.test(inner)) steps.push({ kind: 'field', name: unquote(inner) });
      else throw new Error(`unrecognized JSONPath at [${inner}]`);
    } else {
      throw new Error(`unrecognized JSONPath at ${rest}`);
    }
  }
  return steps;
}

function findClose(s: string): number {
  let quote: string | undefined;
  for (let i = 1; i < s.length; i++) {
    const c = s[i]!;
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === ']') return i;
  }
  throw new Error(`unterminated [ in JSONPath ${s}`);
}

function lookup(value: unknown, path: string[]): unknown {
  let v = value;
  for (const p of path) v = isPlainObject(v) ? v[p] : undefined;
  return v;
}

/** Every value the path selects (missing keys select nothing, as with AllowMissingKeys). */
export function evaluateJsonPath(steps: Step[], root: unknown): unknown[] {
  let current: unknown[] = [root];
  for (const step of steps) {
    const next: unknown[] = [];
    for (const v of current) {
      if (step.kind === 'field') {
        if (isPlainObject(v) && v[step.name] !== undefined) next.push(v[step.name]);
      } else if (step.kind === 'index') {
        if (Array.isArray(v)) {
          const item = v[step.index < 0 ? v.length + step.index : step.index];
          if (item !== undefined) next.push(item);
        }
      } else if (step.kind === 'all') {
        if (Array.isArray(v)) next.push(...v);
        else if (isPlainObject(v)) next.push(...Object.values(v));
      } else if (Array.isArray(v)) {
        for (const item of v) {
          const got = lookup(item, step.path);
          const text = typeof got === 'string' ? got : JSON.stringify(got);
          if ((text === step.value) === (step.op === '==')) next.push(item);
        }
      }
    }
    current = next;
  }
  return current;
}

/** How client-go's jsonpath prints one value (Go's fmt for maps and slices). */
export function printJsonPathValue(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === null || value === undefined) return '<nil>';
  if (Array.isArray(value)) return `[${value.map(printJsonPathValue).join(' ')}]`;
  if (isPlainObject(value)) {
    const keys = Object.keys(value).sort();
    return `map[${keys.map((k) => `${k}:${printJsonPathValue(value[k])}`).join(' ')}]`;
  }
  return String(value);
}
