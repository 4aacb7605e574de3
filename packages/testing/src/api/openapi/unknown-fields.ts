import { isPlainObject } from '../types.js';

// Unknown-field detection as kube-apiserver's strict decoding reports it (JSON document order, paths like
// `spec.template.spec.containers[0].bogus`), against OpenAPI v3 schemas (built-in documents or a CRD's
// openAPIV3Schema). Unknown fields are also removed, as decoding into the Go type (or CRD pruning) drops them.

type Schema = Record<string, unknown>;

/** Resolves `$ref` and single-entry `allOf` wrappers (kube-openapi's way of attaching descriptions to refs). */
function resolve(schema: Schema, schemas: Record<string, Schema>): Schema {
  let current = schema;
  for (let depth = 0; depth < 10; depth++) {
    const ref =
      typeof current.$ref === 'string'
        ? current.$ref
        : Array.isArray(current.allOf) && current.allOf.length === 1 && isPlainObject(current.allOf[0])
          ? (current.allOf[0].$ref as string | undefined)
          : undefined;
    if (!ref) return current;
    const target = schemas[ref.replace('#/components/schemas/', '')];
    if (!target) return current;
    current = target;
  }
  return current;
}

/**
 * How paths are printed: `decoder` as the strict JSON decoder (`a.b[0].c`, document order), `ssa` as
 * structured-merge-diff (`.a.b[name="x"].c`, keys sorted, list items by their x-kubernetes-list-map-keys).
 */
export type PathStyle = 'decoder' | 'ssa';

export interface PruneContext {
  /** Named schemas `$ref`s resolve in. */
  schemas: Record<string, Schema>;
  style?: PathStyle;
  /** Built-in documents: an object schema without properties takes anything. */
  bareObjectsOpen?: boolean;
}

function join(path: string, key: string, style: PathStyle): string {
  if (style === 'ssa') return `${path}.${key}`;
  return path ? `${path}.${key}` : key;
}

function itemPath(path: string, item: unknown, index: number, list: Schema, style: PathStyle): string {
  const keys = list['x-kubernetes-list-map-keys'];
  if (style === 'ssa' && Array.isArray(keys) && isPlainObject(item)) {
    return `${path}[${keys.map((k) => `${String(k)}=${JSON.stringify(item[String(k)])}`).join(',')}]`;
  }
  return `${path}[${index}]`;
}

/**
 * The unknown fields of a value under a schema, in document order; removes them from the value (which must be
 * the caller's own copy).
 */
export function pruneUnknownFields(value: unknown, schema: Schema, ctx: PruneContext, path = ''): string[] {
  const { schemas, style = 'decoder' } = ctx;
  const s = resolve(schema, schemas);
  const found: string[] = [];
  if (Array.isArray(value)) {
    if (isPlainObject(s.items)) {
      value.forEach((item, i) => {
        const at = itemPath(path, item, i, s, style);
        found.push(...pruneUnknownFields(item, s.items as Schema, ctx, at));
      });
    }
    return found;
  }
  if (!isPlainObject(value)) return found;
  const properties = isPlainObject(s.properties) ? (s.properties as Record<string, Schema>) : undefined;
  const additional = s.additionalProperties;
  const preserve = s['x-kubernetes-preserve-unknown-fields'] === true;
  // Built-in schemas write raw JSON (FieldsV1, RawExtension) as a bare object; a CRD's bare object holds nothing.
  const open = !properties && additional === undefined && (ctx.bareObjectsOpen || s.type !== 'object');
  if (preserve && !properties && additional === undefined) return found;
  if (open) return found;
  const keys = style === 'ssa' ? Object.keys(value).sort() : Object.keys(value);
  for (const key of keys) {
    const child = properties?.[key];
    if (child) {
      found.push(...pruneUnknownFields(value[key], child, ctx, join(path, key, style)));
    } else if (isPlainObject(additional)) {
      found.push(...pruneUnknownFields(value[key], additional, ctx, join(path, key, style)));
    } else if (additional === true || preserve) {
      // kept as is
    } else {
      found.push(join(path, key, style));
      delete value[key];
    }
  }
  return found;
}
