/**
 * A small, strict parser of the Prometheus text exposition format (0.0.4), for tests: it throws on anything a
 * Prometheus server would reject (bad names, bad escapes, unparsable values, TYPE after samples, a family split
 * in two groups, duplicate series, histogram buckets that are not cumulative or disagree with `_count`).
 */

export type MetricType = 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped';

export interface Sample {
  /** The sample's own name, e.g. `x_bucket`. */
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface Family {
  name: string;
  type: MetricType;
  help?: string;
  samples: Sample[];
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const TYPES = new Set<MetricType>(['counter', 'gauge', 'histogram', 'summary', 'untyped']);

function parseValue(text: string, line: number): number {
  const lower = text.toLowerCase();
  if (lower === '+inf' || lower === 'inf') return Number.POSITIVE_INFINITY;
  if (lower === '-inf') return Number.NEGATIVE_INFINITY;
  if (lower === 'nan') return Number.NaN;
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text))
    throw new Error(`line ${line}: bad value "${text}"`);
  return Number(text);
}

/** Reads `{a="1",b="2"}` starting at `start` (the `{`); returns the labels and the index after `}`. */
function parseLabels(text: string, start: number, line: number): [Record<string, string>, number] {
  const labels: Record<string, string> = {};
  let i = start + 1;
  for (;;) {
    while (text[i] === ' ') i++;
    if (text[i] === '}') return [labels, i + 1];
    const nameMatch = /^[a-zA-Z_][a-zA-Z0-9_]*/.exec(text.slice(i));
    if (nameMatch === null) throw new Error(`line ${line}: bad label name at ${i}`);
    const name = nameMatch[0];
    i += name.length;
    if (text[i] !== '=' || text[i + 1] !== '"') throw new Error(`line ${line}: expected ="" after ${name}`);
    i += 2;
    let value = '';
    for (;;) {
      const c = text[i];
      if (c === undefined) throw new Error(`line ${line}: unterminated label value`);
      i++;
      if (c === '"') break;
      if (c === '\\') {
        const escaped = text[i++];
        if (escaped === 'n') value += '\n';
        else if (escaped === '\\' || escaped === '"') value += escaped;
        else throw new Error(`line ${line}: bad escape \\${escaped ?? ''}`);
      } else value += c;
    }
    if (name in labels) throw new Error(`line ${line}: label ${name} twice`);
    labels[name] = value;
    while (text[i] === ' ') i++;
    if (text[i] === ',') i++;
    else if (text[i] !== '}') throw new Error(`line ${line}: expected , or } after label ${name}`);
  }
}

function familyName(sampleName: string, types: Map<string, MetricType>): string {
  for (const suffix of ['_bucket', '_sum', '_count']) {
    if (!sampleName.endsWith(suffix)) continue;
    const base = sampleName.slice(0, -suffix.length);
    const type = types.get(base);
    if (type === 'histogram' || (type === 'summary' && suffix !== '_bucket')) return base;
  }
  return sampleName;
}

/** One pass over an exposition text: the families so far and what the format forbids next. */
class ExpositionParser {
  readonly families = new Map<string, Family>();
  private readonly types = new Map<string, MetricType>();
  private readonly closed = new Set<string>();
  private readonly seen = new Set<string>();
  private current: string | undefined;

  line(raw: string, line: number): void {
    if (raw.trim() === '') return;
    if (raw.startsWith('#')) this.comment(raw, line);
    else this.sample(raw, line);
  }

  private family(name: string): Family {
    let found = this.families.get(name);
    if (found === undefined) {
      found = { name, type: this.types.get(name) ?? 'untyped', samples: [] };
      this.families.set(name, found);
    }
    return found;
  }

  /** A family's lines must be one group: a name seen again after another family's lines is an error. */
  private enter(name: string, line: number): void {
    if (this.current === name) return;
    if (this.current !== undefined) this.closed.add(this.current);
    if (this.closed.has(name)) throw new Error(`line ${line}: ${name} appears in two separate groups`);
    this.current = name;
  }

  private comment(raw: string, line: number): void {
    const meta = /^#\s+(HELP|TYPE)\s+(\S+)(?:\s(.*))?$/.exec(raw);
    if (meta === null) return; // a plain comment
    const [, kind, name = '', rest = ''] = meta;
    if (!METRIC_NAME.test(name)) throw new Error(`line ${line}: bad metric name ${name}`);
    this.enter(name, line);
    if (kind === 'TYPE') {
      if (!TYPES.has(rest as MetricType)) throw new Error(`line ${line}: bad type ${rest}`);
      if (this.types.has(name)) throw new Error(`line ${line}: second TYPE for ${name}`);
      if ((this.families.get(name)?.samples.length ?? 0) > 0)
        throw new Error(`line ${line}: TYPE after samples`);
      this.types.set(name, rest as MetricType);
      this.family(name).type = rest as MetricType;
    } else {
      this.family(name).help = rest.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
    }
  }

  private sample(raw: string, line: number): void {
    const nameMatch = /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(raw);
    if (nameMatch === null) throw new Error(`line ${line}: bad sample "${raw}"`);
    const name = nameMatch[0];
    let i = name.length;
    let labels: Record<string, string> = {};
    if (raw[i] === '{') [labels, i] = parseLabels(raw, i, line);
    const fields = raw.slice(i).trim().split(/\s+/);
    if (fields.length < 1 || fields.length > 2 || fields[0] === '')
      throw new Error(`line ${line}: bad sample`);
    const value = parseValue(fields[0] as string, line);
    if (fields[1] !== undefined && !/^-?\d+$/.test(fields[1])) throw new Error(`line ${line}: bad timestamp`);
    for (const label of Object.keys(labels)) {
      if (!LABEL_NAME.test(label)) throw new Error(`line ${line}: bad label ${label}`);
    }
    const owner = familyName(name, this.types);
    this.enter(owner, line);
    const id = `${name}${JSON.stringify(Object.entries(labels).sort())}`;
    if (this.seen.has(id)) throw new Error(`line ${line}: duplicate series ${id}`);
    this.seen.add(id);
    this.family(owner).samples.push({ name, labels, value });
  }
}

/** The families of an exposition text by name; throws where a Prometheus server would reject the text. */
export function parseMetrics(text: string): Map<string, Family> {
  const parser = new ExpositionParser();
  for (const [index, raw] of text.split('\n').entries()) parser.line(raw, index + 1);
  for (const f of parser.families.values()) if (f.type === 'histogram') checkHistogram(f);
  return parser.families;
}

function checkHistogram(f: Family): void {
  const series = new Map<string, { buckets: Array<[number, number]>; count?: number }>();
  for (const s of f.samples) {
    const { le, ...rest } = s.labels;
    const key = JSON.stringify(Object.entries(rest).sort());
    const entry = series.get(key) ?? { buckets: [] };
    series.set(key, entry);
    if (s.name === `${f.name}_bucket`) {
      if (le === undefined) throw new Error(`${f.name}: bucket without le`);
      entry.buckets.push([parseValue(le, 0), s.value]);
    } else if (s.name === `${f.name}_count`) entry.count = s.value;
  }
  for (const [key, { buckets, count }] of series) {
    buckets.sort((a, b) => a[0] - b[0]);
    for (let i = 1; i < buckets.length; i++) {
      if ((buckets[i]?.[1] ?? 0) < (buckets[i - 1]?.[1] ?? 0))
        throw new Error(`${f.name}${key}: not cumulative`);
    }
    const inf = buckets.at(-1);
    if (inf === undefined || inf[0] !== Number.POSITIVE_INFINITY)
      throw new Error(`${f.name}${key}: no +Inf bucket`);
    if (inf[1] !== count) throw new Error(`${f.name}${key}: +Inf bucket ${inf[1]} != count ${count}`);
  }
}

function matches(sample: Sample, labels: Record<string, string>): boolean {
  return Object.entries(labels).every(([k, v]) => sample.labels[k] === v);
}

/** The one sample named `name` whose labels include `labels`; throws when there is none or several. */
export function sample(
  families: Map<string, Family>,
  name: string,
  labels: Record<string, string> = {},
): Sample {
  const found = [...families.values()]
    .flatMap((f) => f.samples)
    .filter((s) => s.name === name && matches(s, labels));
  if (found.length !== 1)
    throw new Error(`${found.length} samples of ${name} match ${JSON.stringify(labels)}`);
  return found[0] as Sample;
}

export function value(
  families: Map<string, Family>,
  name: string,
  labels: Record<string, string> = {},
): number {
  return sample(families, name, labels).value;
}

export function family(families: Map<string, Family>, name: string): Family {
  const found = families.get(name);
  if (found === undefined) throw new Error(`no metric family ${name}`);
  return found;
}
