// Messages whose JSON form is not their fields: apimachinery's hand-written marshalers (Time, MicroTime, Duration,
// IntOrString, Quantity, RawExtension, FieldsV1), slices wrapped as messages (Verbs, ExtraValue) and the
// apiextensions JSON-schema unions. Each maps a JSON value to the plain proto object protobufjs encodes, and back.

/** Converts between a JSON value and a proto plain object; `toProto` returns undefined to leave the field out. */
export interface SpecialType {
  toProto(value: unknown, nested: (value: unknown, type: string) => unknown): unknown;
  fromProto(message: Record<string, unknown>, nested: (value: unknown, type: string) => unknown): unknown;
}

const META = '.k8s.io.apimachinery.pkg.apis.meta.v1';
const EXT = '.k8s.io.apiextensions_apiserver.pkg.apis.apiextensions.v1';

export function int(value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'string') return Number(value);
  if (value && typeof value === 'object' && 'toNumber' in value)
    return (value as { toNumber(): number }).toNumber();
  return 0;
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

/** Go's time.RFC3339 in UTC (metav1.Time marshals at second precision) or RFC3339Micro (MicroTime). */
function formatTime(seconds: number, micros?: number): string {
  const d = new Date(seconds * 1000);
  const base = `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
  return micros === undefined ? `${base}Z` : `${base}.${pad(micros, 6)}Z`;
}

/** Seconds and nanoseconds of an RFC 3339 time (any offset, optional fraction). */
function parseTime(text: string): { seconds: number; nanos: number } | undefined {
  const m = /^(.*?:\d\d)(?:\.(\d+))?(Z|[+-]\d\d:\d\d)$/i.exec(text);
  if (!m) return undefined;
  const ms = Date.parse(`${m[1]}${m[3]}`);
  if (Number.isNaN(ms)) return undefined;
  const fraction = (m[2] ?? '').slice(0, 9).padEnd(9, '0');
  return { seconds: Math.floor(ms / 1000), nanos: Number(fraction) };
}

const time = (micro: boolean): SpecialType => ({
  toProto(value) {
    if (typeof value !== 'string') return undefined;
    const t = parseTime(value);
    if (!t) return undefined;
    // metav1.Time carries seconds only; MicroTime truncates to microseconds (time_proto.go, micro_time_proto.go).
    return micro ? { seconds: t.seconds, nanos: t.nanos - (t.nanos % 1000) } : { seconds: t.seconds };
  },
  fromProto(m) {
    const seconds = int(m.seconds);
    const nanos = int(m.nanos);
    // An empty message is Go's zero time, which marshals to JSON null.
    if (seconds === 0 && nanos === 0) return null;
    return micro ? formatTime(seconds, Math.floor(nanos / 1000)) : formatTime(seconds);
  },
});

const UNITS: [string, number][] = [
  ['h', 3600e9],
  ['m', 60e9],
  ['s', 1e9],
  ['ms', 1e6],
  ['us', 1e3],
  ['µs', 1e3],
  ['ns', 1],
];

/** Go's time.Duration.String(). */
function formatDuration(nanos: number): string {
  if (nanos === 0) return '0s';
  const sign = nanos < 0 ? '-' : '';
  let n = Math.abs(nanos);
  if (n < 1e9) {
    const [unit, size] = n < 1e3 ? ['ns', 1] : n < 1e6 ? ['µs', 1e3] : ['ms', 1e6];
    return `${sign}${n / size}${unit}`;
  }
  const h = Math.floor(n / 3600e9);
  n -= h * 3600e9;
  const m = Math.floor(n / 60e9);
  n -= m * 60e9;
  const s = `${n / 1e9}s`;
  return `${sign}${h > 0 ? `${h}h${m}m` : m > 0 ? `${m}m` : ''}${s}`;
}

function parseDuration(text: string): number | undefined {
  const re = /(\d+(?:\.\d+)?)(h|ms|us|µs|ns|m|s)/gy;
  const negative = text.startsWith('-');
  const body = text.replace(/^[-+]/, '');
  let total = 0;
  let matched = 0;
  for (let m = re.exec(body); m; m = re.exec(body)) {
    total += Number(m[1]) * (UNITS.find(([u]) => u === m![2])?.[1] ?? 0);
    matched = re.lastIndex;
  }
  if (matched !== body.length || body === '') return undefined;
  return negative ? -total : total;
}

/** Embedded JSON carried as bytes (RawExtension, FieldsV1, apiextensions JSON). */
const rawJson = (field: string): SpecialType => ({
  toProto: (value) => (value === undefined ? undefined : { [field]: Buffer.from(JSON.stringify(value)) }),
  fromProto(m) {
    const raw = m[field];
    if (!(raw instanceof Uint8Array) || raw.length === 0) return null;
    return JSON.parse(Buffer.from(raw).toString('utf8'));
  },
});

/** A Go slice type protobuf wraps in a message with one repeated `items` field. */
const wrappedSlice: SpecialType = {
  toProto: (value) => (Array.isArray(value) ? { items: value } : undefined),
  fromProto: (m) => (Array.isArray(m.items) ? m.items : []),
};

const SCHEMA = `${EXT}.JSONSchemaProps`;

export const SPECIAL_TYPES: Record<string, SpecialType> = {
  [`${META}.Time`]: time(false),
  [`${META}.MicroTime`]: time(true),
  [`${META}.Duration`]: {
    toProto(value) {
      const nanos = typeof value === 'string' ? parseDuration(value) : undefined;
      return nanos === undefined ? undefined : { duration: nanos };
    },
    fromProto: (m) => formatDuration(int(m.duration)),
  },
  [`${META}.FieldsV1`]: rawJson('Raw'),
  [`${META}.Verbs`]: wrappedSlice,
  '.k8s.io.api.authorization.v1.ExtraValue': wrappedSlice,
  '.k8s.io.apimachinery.pkg.runtime.RawExtension': rawJson('raw'),
  [`${EXT}.JSON`]: rawJson('raw'),
  '.k8s.io.apimachinery.pkg.util.intstr.IntOrString': {
    toProto(value) {
      if (typeof value === 'number') return { type: 0, intVal: value };
      if (typeof value === 'string') return { type: 1, strVal: value };
      return undefined;
    },
    fromProto: (m) => (int(m.type) === 1 ? String(m.strVal ?? '') : int(m.intVal)),
  },
  '.k8s.io.apimachinery.pkg.api.resource.Quantity': {
    toProto: (value) =>
      typeof value === 'string' || typeof value === 'number' ? { string: String(value) } : undefined,
    fromProto: (m) => String(m.string ?? '0'),
  },
  [`${EXT}.JSONSchemaPropsOrArray`]: {
    toProto: (value, nested) =>
      Array.isArray(value)
        ? { jSONSchemas: value.map((v) => nested(v, SCHEMA)) }
        : { schema: nested(value, SCHEMA) },
    fromProto: (m, nested) =>
      Array.isArray(m.jSONSchemas) && m.jSONSchemas.length > 0
        ? m.jSONSchemas.map((v) => nested(v, SCHEMA))
        : nested(m.schema, SCHEMA),
  },
  [`${EXT}.JSONSchemaPropsOrBool`]: {
    toProto: (value, nested) =>
      typeof value === 'boolean' ? { allows: value } : { allows: true, schema: nested(value, SCHEMA) },
    fromProto: (m, nested) => (m.schema ? nested(m.schema, SCHEMA) : m.allows === true),
  },
  [`${EXT}.JSONSchemaPropsOrStringArray`]: {
    toProto: (value, nested) =>
      Array.isArray(value) ? { property: value } : { schema: nested(value, SCHEMA) },
    fromProto: (m, nested) =>
      Array.isArray(m.property) && m.property.length > 0 ? m.property : nested(m.schema, SCHEMA),
  },
};

export const testing = { formatDuration, parseDuration, formatTime, parseTime };
