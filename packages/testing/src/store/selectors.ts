import { badRequest } from '../api/status.js';

/** Label selectors (`a=b,c!=d,e in (x,y),f notin (z),g,!h`) as k8s.io/apimachinery/pkg/labels parses them. */
export type LabelRequirement =
  | { key: string; op: 'in'; values: string[] }
  | { key: string; op: 'notin'; values: string[] }
  | { key: string; op: 'exists' }
  | { key: string; op: '!' }
  | { key: string; op: 'gt' | 'lt'; value: number };

export type LabelSelector = LabelRequirement[];

export function parseLabelSelector(text: string | undefined | null): LabelSelector {
  if (!text) return [];
  const reqs: LabelSelector = [];
  let i = 0;
  const s = text;
  const skipWs = () => {
    while (i < s.length && s[i] === ' ') i++;
  };
  const readToken = () => {
    skipWs();
    const start = i;
    while (i < s.length && !' ,=!()<>'.includes(s[i]!)) i++;
    return s.slice(start, i);
  };
  const fail = (why: string): never => {
    throw badRequest(`unable to parse requirement: ${why}`);
  };
  while (i < s.length) {
    skipWs();
    let negate = false;
    if (s[i] === '!') {
      negate = true;
      i++;
    }
    const key = readToken();
    if (!key) fail(`found '${s[i] ?? ''}', expected: identifier`);
    skipWs();
    if (negate) {
      reqs.push({ key, op: '!' });
    } else if (i >= s.length || s[i] === ',') {
      reqs.push({ key, op: 'exists' });
    } else if (s.startsWith('==', i) || s[i] === '=') {
      i += s.startsWith('==', i) ? 2 : 1;
      reqs.push({ key, op: 'in', values: [readToken()] });
    } else if (s.startsWith('!=', i)) {
      i += 2;
      reqs.push({ key, op: 'notin', values: [readToken()] });
    } else if (s[i] === '>' || s[i] === '<') {
      const op = s[i] === '>' ? 'gt' : 'lt';
      i++;
      const value = Number(readToken());
      if (!Number.isInteger(value)) fail("for 'Gt', 'Lt' operators, the value must be an integer");
      reqs.push({ key, op, value });
    } else {
      const word = readToken();
      if (word !== 'in' && word !== 'notin') fail(`found '${word}', expected: in, notin, =, ==, !=, gt, lt`);
      skipWs();
      if (s[i] !== '(') fail(`found '${s[i] ?? ''}', expected: '('`);
      i++;
      const values: string[] = [];
      for (;;) {
        values.push(readToken());
        skipWs();
        if (s[i] === ',') {
          i++;
          continue;
        }
        if (s[i] === ')') {
          i++;
          break;
        }
        fail(`found '${s[i] ?? ''}', expected: ',' or ')'`);
      }
      reqs.push({ key, op: word === 'in' ? 'in' : 'notin', values });
    }
    skipWs();
    if (i < s.length) {
      if (s[i] !== ',') fail(`found '${s[i]}', expected: ',' or 'end of string'`);
      i++;
    }
  }
  return reqs;
}

export function matchesLabels(selector: LabelSelector, labels: Record<string, string> | undefined): boolean {
  for (const r of selector) {
    const has = labels !== undefined && Object.hasOwn(labels, r.key);
    const v = has ? labels[r.key]! : undefined;
    switch (r.op) {
      case 'in':
        if (!has || !r.values.includes(v!)) return false;
        break;
      case 'notin':
        if (has && r.values.includes(v!)) return false;
        break;
      case 'exists':
        if (!has) return false;
        break;
      case '!':
        if (has) return false;
        break;
      case 'gt':
      case 'lt': {
        const n = Number(v);
        if (!has || !Number.isInteger(n)) return false;
        if (r.op === 'gt' ? !(n > r.value) : !(n < r.value)) return false;
        break;
      }
    }
  }
  return true;
}

/** Matches a metav1.LabelSelector object (matchLabels + matchExpressions), as workload selectors use. */
export function matchesLabelSelectorObject(
  selector:
    | {
        matchLabels?: Record<string, string>;
        matchExpressions?: { key: string; operator: string; values?: string[] }[];
      }
    | undefined,
  labels: Record<string, string> | undefined,
): boolean {
  if (!selector) return false;
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) if (labels?.[k] !== v) return false;
  for (const e of selector.matchExpressions ?? []) {
    const has = labels !== undefined && Object.hasOwn(labels, e.key);
    const v = labels?.[e.key];
    const values = e.values ?? [];
    if (e.operator === 'In' && (!has || !values.includes(v!))) return false;
    if (e.operator === 'NotIn' && has && values.includes(v!)) return false;
    if (e.operator === 'Exists' && !has) return false;
    if (e.operator === 'DoesNotExist' && has) return false;
  }
  return true;
}

/** Field selectors: `a=b`, `a==b`, `a!=b`, comma-separated (fields.ParseSelector). */
export interface FieldRequirement {
  field: string;
  op: '=' | '!=';
  value: string;
}

export function parseFieldSelector(text: string | undefined | null): FieldRequirement[] {
  if (!text) return [];
  const out: FieldRequirement[] = [];
  for (const part of splitUnescaped(text, ',')) {
    if (part === '') continue;
    const m = /^([^=!]+)(==|=|!=)(.*)$/.exec(part);
    if (!m) throw badRequest(`invalid selector: '${text}'; can't understand '${part}'`);
    out.push({ field: m[1]!.trim(), op: m[2] === '!=' ? '!=' : '=', value: unescapeField(m[3]!.trim()) });
  }
  return out;
}

function splitUnescaped(s: string, sep: string): string[] {
  const parts: string[] = [];
  let cur = '';
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '\\' && i + 1 < s.length) {
      cur += s[i]! + s[i + 1]!;
      i++;
    } else if (s[i] === sep) {
      parts.push(cur);
      cur = '';
    } else {
      cur += s[i]!;
    }
  }
  parts.push(cur);
  return parts;
}

function unescapeField(s: string): string {
  return s.replace(/\\(.)/g, '$1');
}
