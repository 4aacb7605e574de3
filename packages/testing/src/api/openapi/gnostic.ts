import { stringify as toYaml } from 'yaml';
import { isPlainObject } from '../types.js';
import { gnosticRoot } from './builtin.js';

// Swagger 2.0 JSON schemas as gnostic's openapi.v2 protobuf messages (github.com/google/gnostic-models
// openapiv2): the form kubectl's discovery client reads from /openapi/v2. Values of default, example, enum and
// vendor extensions are YAML text in an Any, as gnostic's compiler stores them.

type Plain = Record<string, unknown>;

const STRINGS: Record<string, string> = {
  $ref: '_ref',
  format: 'format',
  title: 'title',
  description: 'description',
  pattern: 'pattern',
  discriminator: 'discriminator',
};
const NUMBERS: Record<string, string> = {
  multipleOf: 'multiple_of',
  maximum: 'maximum',
  minimum: 'minimum',
  maxLength: 'max_length',
  minLength: 'min_length',
  maxItems: 'max_items',
  minItems: 'min_items',
  maxProperties: 'max_properties',
  minProperties: 'min_properties',
};
const BOOLEANS: Record<string, string> = {
  exclusiveMaximum: 'exclusive_maximum',
  exclusiveMinimum: 'exclusive_minimum',
  uniqueItems: 'unique_items',
  readOnly: 'read_only',
};

function any(value: unknown): Plain {
  return { yaml: toYaml(value) };
}

/** One Swagger 2.0 schema as a plain openapi.v2.Schema. */
export function gnosticSchema(schema: unknown): Plain {
  const out: Plain = {};
  if (!isPlainObject(schema)) return out;
  const extensions: Plain[] = [];
  for (const [key, value] of Object.entries(schema)) {
    if (key in STRINGS && typeof value === 'string') out[STRINGS[key]!] = value;
    else if (key in NUMBERS && typeof value === 'number') out[NUMBERS[key]!] = value;
    else if (key in BOOLEANS && typeof value === 'boolean') out[BOOLEANS[key]!] = value;
    else if (key === 'default' || key === 'example') out[key] = any(value);
    else if (key === 'enum' && Array.isArray(value)) out.enum = value.map(any);
    else if (key === 'required' && Array.isArray(value)) out.required = value.map(String);
    else if (key === 'type') out.type = { value: Array.isArray(value) ? value.map(String) : [String(value)] };
    else if (key === 'items')
      out.items = { schema: (Array.isArray(value) ? value : [value]).map(gnosticSchema) };
    else if (key === 'allOf' && Array.isArray(value)) out.all_of = value.map(gnosticSchema);
    else if (key === 'properties' && isPlainObject(value))
      out.properties = {
        additional_properties: Object.entries(value).map(([name, v]) => ({ name, value: gnosticSchema(v) })),
      };
    else if (key === 'additionalProperties')
      out.additional_properties =
        typeof value === 'boolean' ? { boolean: value } : { schema: gnosticSchema(value) };
    else if (key.startsWith('x-')) extensions.push({ name: key, value: any(value) });
  }
  if (extensions.length > 0) out.vendor_extension = extensions;
  return out;
}

/**
 * Protobuf bytes that, appended to an encoded openapi.v2.Document, add these definitions to it: a message's
 * embedded fields merge and its repeated fields concatenate when it is parsed.
 */
export function definitionsSuffix(definitions: Record<string, unknown>): Uint8Array {
  const document = gnosticRoot().lookupType('openapi.v2.Document');
  const additional = Object.entries(definitions).map(([name, s]) => ({ name, value: gnosticSchema(s) }));
  return document.encode({ definitions: { additional_properties: additional } }).finish();
}
