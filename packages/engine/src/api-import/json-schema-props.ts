import { isRecord } from '@kcp-tmc/interfaces';

/**
 * apiextensions.k8s.io/v1 JSONSchemaProps as raw JSON: the subset the schema converter writes, and the key
 * order Go's encoder uses, so a converted schema serializes like the one kcp's syncer sends.
 */
export interface JsonSchemaProps {
  description?: string;
  type?: string;
  format?: string;
  default?: unknown;
  pattern?: string;
  required?: string[];
  items?: JsonSchemaProps;
  anyOf?: readonly JsonSchemaProps[];
  properties?: Record<string, JsonSchemaProps>;
  additionalProperties?: JsonSchemaProps | boolean;
  'x-kubernetes-preserve-unknown-fields'?: boolean;
  'x-kubernetes-embedded-resource'?: boolean;
  'x-kubernetes-int-or-string'?: boolean;
  'x-kubernetes-list-map-keys'?: string[];
  'x-kubernetes-list-type'?: string;
  [other: string]: unknown;
}

// JSONSchemaProps' field order in k8s.io/apiextensions-apiserver (encoding/json writes struct fields in
// declaration order and map keys sorted).
const FIELD_ORDER = [
  'id',
  '$schema',
  '$ref',
  'description',
  'type',
  'format',
  'title',
  'default',
  'maximum',
  'exclusiveMaximum',
  'minimum',
  'exclusiveMinimum',
  'maxLength',
  'minLength',
  'pattern',
  'maxItems',
  'minItems',
  'uniqueItems',
  'multipleOf',
  'enum',
  'maxProperties',
  'minProperties',
  'required',
  'items',
  'allOf',
  'oneOf',
  'anyOf',
  'not',
  'properties',
  'additionalProperties',
  'patternProperties',
  'dependencies',
  'additionalItems',
  'definitions',
  'externalDocs',
  'example',
  'nullable',
  'x-kubernetes-preserve-unknown-fields',
  'x-kubernetes-embedded-resource',
  'x-kubernetes-int-or-string',
  'x-kubernetes-list-map-keys',
  'x-kubernetes-list-type',
  'x-kubernetes-map-type',
  'x-kubernetes-validations',
];
const RANK = new Map(FIELD_ORDER.map((name, i) => [name, i]));
const SCHEMA_MAPS = new Set(['properties', 'patternProperties', 'definitions', 'dependencies']);
const SCHEMA_LISTS = new Set(['allOf', 'oneOf', 'anyOf']);
const SCHEMAS = new Set(['items', 'not', 'additionalProperties', 'additionalItems']);

/** A copy with keys in Go's order, nested schemas included; values are otherwise untouched. */
export function canonicalSchema(props: JsonSchemaProps): JsonSchemaProps {
  const keys = Object.keys(props).sort(
    (a, b) => (RANK.get(a) ?? FIELD_ORDER.length) - (RANK.get(b) ?? FIELD_ORDER.length) || byteOrder(a, b),
  );
  const out: JsonSchemaProps = {};
  for (const key of keys) {
    const value = props[key];
    if (SCHEMA_MAPS.has(key) && isRecord(value)) {
      const map: Record<string, unknown> = {};
      for (const name of Object.keys(value).sort()) {
        const inner = value[name];
        map[name] = isRecord(inner) ? canonicalSchema(inner as JsonSchemaProps) : inner;
      }
      out[key] = map;
    } else if (SCHEMA_LISTS.has(key) && Array.isArray(value)) {
      out[key] = value.map((inner) => (isRecord(inner) ? canonicalSchema(inner as JsonSchemaProps) : inner));
    } else if (SCHEMAS.has(key) && isRecord(value)) {
      out[key] = canonicalSchema(value as JsonSchemaProps);
    } else {
      out[key] = value;
    }
  }
  return out;
}

/** Go sorts map keys bytewise, not by locale. */
function byteOrder(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
