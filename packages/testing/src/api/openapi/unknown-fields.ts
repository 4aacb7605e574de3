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

function join(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}

/**
 * The unknown fields of a value under a schema, in document order; removes them from the value (which must be
 * the caller's own copy).
 */
export function pruneUnknownFields(
  value: unknown,
  schema: Schema,
  schemas: Record<string, Schema>,
  path = '',
): string[] {
  const s = resolve(schema, schemas);
  const found: string[] = [];
  if (Array.isArray(value)) {
    if (isPlainObject(s.items)) {
      value.forEach((item, i) => {
        found.push(...pruneUnknownFields(item, s.items as Schema, schemas, `${path}[${i}]`));
      });
    }
    return found;
  }
  if (!isPlainObject(value)) return found;
  const properties = isPlainObject(s.properties) ? (s.properties as Record<string, Schema>) : undefined;
  const additional = s.additionalProperties;
  const preserve = s['x-kubernetes-preserve-unknown-fields'] === true;
  if (!properties && additional === undefined && (preserve || s.type !== 'object')) return found;
  for (const key of Object.keys(value)) {
    const child = properties?.[key];
    if (child) {
      found.push(...pruneUnknownFields(value[key], child, schemas, join(path, key)));
    } else if (isPlainObject(additional)) {
      found.push(...pruneUnknownFields(value[key], additional, schemas, join(path, key)));
    } else if (additional === true || preserve) {
      // kept as is
    } else {
      found.push(join(path, key));
      delete value[key];
    }
  }
  return found;
}
