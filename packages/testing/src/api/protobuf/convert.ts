import protobuf from 'protobufjs';
import type { FieldJson, KubeProto } from './descriptor.js';
import { int, SPECIAL_TYPES, type SpecialType } from './special-types.js';

// Conversion between the simulator's JSON objects and protobufjs plain objects of Kubernetes' generated.proto
// messages, with Go's JSON rules: a field absent on the wire is absent in JSON; a zero scalar is dropped when the
// Go field is omitempty/omitzero and not a pointer (the wire format cannot tell `0` from "unset" otherwise).

type Plain = Record<string, unknown>;

const INT64 = new Set(['int64', 'uint64', 'sint64', 'fixed64', 'sfixed64']);

function isObject(value: unknown): value is Plain {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// protobufjs computes Type#fullName on each access by walking the namespace chain; resolve it once per type.
const specials = new WeakMap<protobuf.Type, SpecialType | null>();

function specialOf(type: protobuf.Type): SpecialType | undefined {
  let special = specials.get(type);
  if (special === undefined) {
    special = SPECIAL_TYPES[type.fullName] ?? null;
    specials.set(type, special);
  }
  return special ?? undefined;
}

const fieldIndex = new WeakMap<
  protobuf.Type,
  { byJsonName: Map<string, protobuf.Field>; inline: protobuf.Field[] }
>();

function jsonFields(proto: KubeProto, type: protobuf.Type) {
  let index = fieldIndex.get(type);
  if (!index) {
    index = { byJsonName: new Map(), inline: [] };
    for (const field of type.fieldsArray) {
      const json = proto.fieldJson(type, field);
      if (json.inline) index.inline.push(field);
      else index.byJsonName.set(json.name, field);
    }
    fieldIndex.set(type, index);
  }
  return index;
}

/** A JSON object as the plain proto object `type.encode` takes. */
export function jsonToProto(proto: KubeProto, value: unknown, type: protobuf.Type): Plain | undefined {
  const special = specialOf(type);
  if (special) {
    return special.toProto(value, (v, name) => jsonToProto(proto, v, proto.root.lookupType(name))) as
      | Plain
      | undefined;
  }
  if (!isObject(value)) return undefined;
  const out: Plain = {};
  const { byJsonName, inline } = jsonFields(proto, type);
  // Walk the object's own keys (far fewer than a message's fields), then the inlined structs.
  const present: protobuf.Field[] = [];
  for (const key of Object.keys(value)) {
    const field = byJsonName.get(key);
    if (field) present.push(field);
  }
  for (const field of [...present, ...inline]) {
    const json = proto.fieldJson(type, field);
    const v = json.inline ? value : value[json.name];
    if (v === undefined || v === null) continue;
    const one = (x: unknown) => scalarOrMessageToProto(proto, x, field);
    if (field.map) {
      if (!isObject(v)) continue;
      const entries = Object.keys(v)
        .sort()
        .map((k) => [k, one(v[k])] as const)
        .filter(([, x]) => x !== undefined);
      out[field.name] = Object.fromEntries(entries);
    } else if (field.repeated) {
      if (Array.isArray(v)) out[field.name] = v.map(one).filter((x) => x !== undefined);
    } else {
      const x = one(v);
      if (x !== undefined) out[field.name] = x;
    }
  }
  return out;
}

function scalarOrMessageToProto(proto: KubeProto, value: unknown, field: protobuf.Field): unknown {
  const resolved = field.resolvedType;
  if (resolved instanceof protobuf.Type) return jsonToProto(proto, value, resolved);
  if (field.type === 'bytes') return typeof value === 'string' ? Buffer.from(value, 'base64') : undefined;
  if (field.type === 'string') return typeof value === 'string' ? value : undefined;
  if (field.type === 'bool') return typeof value === 'boolean' ? value : undefined;
  return typeof value === 'number' ? value : undefined;
}

/** A decoded message as the JSON object Go's encoding/json would print for the same Go value. */
export function protoToJson(proto: KubeProto, message: unknown, type: protobuf.Type): unknown {
  const m = (message ?? {}) as Plain;
  const special = specialOf(type);
  if (special) {
    return special.fromProto(m, (v, name) => protoToJson(proto, v, proto.root.lookupType(name)));
  }
  const out: Plain = {};
  for (const field of type.fieldsArray) {
    if (!Object.hasOwn(m, field.name)) continue;
    const v = m[field.name];
    const json = proto.fieldJson(type, field);
    const one = (x: unknown) => scalarOrMessageToJson(proto, x, field);
    if (field.map) {
      const keys = isObject(v) ? Object.keys(v) : [];
      if (keys.length > 0) out[json.name] = Object.fromEntries(keys.map((k) => [k, one((v as Plain)[k])]));
      continue;
    }
    if (field.repeated) {
      if (Array.isArray(v) && v.length > 0) out[json.name] = v.map(one);
      continue;
    }
    if (v === null || v === undefined) continue;
    const x = one(v);
    if (json.inline) {
      if (isObject(x)) Object.assign(out, x);
      continue;
    }
    if (!json.pointer && omitted(x, field, json)) continue;
    out[json.name] = x;
  }
  return out;
}

function scalarOrMessageToJson(proto: KubeProto, value: unknown, field: protobuf.Field): unknown {
  const resolved = field.resolvedType;
  if (resolved instanceof protobuf.Type) return protoToJson(proto, value, resolved);
  if (field.type === 'bytes') return Buffer.from(value as Uint8Array).toString('base64');
  if (INT64.has(field.type)) return int(value);
  return value;
}

/**
 * Whether encoding/json leaves a non-pointer field out: omitempty drops empty scalars but never a struct; omitzero
 * drops a struct's zero value too (shown here as null, Time's zero, or {}).
 */
function omitted(value: unknown, field: protobuf.Field, json: FieldJson): boolean {
  if (field.resolvedType instanceof protobuf.Type) {
    return json.omitZero && (value === null || (isObject(value) && Object.keys(value).length === 0));
  }
  return (json.omitEmpty || json.omitZero) && (value === '' || value === 0 || value === false);
}
