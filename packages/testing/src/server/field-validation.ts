import type { ServerResponse } from 'node:http';
import { parse as parseYaml } from 'yaml';
import { builtinKindSchema, crdKindSchema, type KindSchema } from '../api/openapi/schemas.js';
import { type PruneContext, pruneUnknownFields } from '../api/openapi/unknown-fields.js';
import { ApiError, badRequest } from '../api/status.js';
import type { Target } from '../api/target.js';
import type { KubeObject } from '../api/types.js';
import type { ObjectStore } from '../store/store.js';

// Server-side field validation (?fieldValidation=Ignore|Warn|Strict, Warn when absent): unknown fields are
// dropped, reported in Warning headers, or reject the request, with kube-apiserver v1.35.4's messages.

const DIRECTIVES = ['', 'Ignore', 'Strict', 'Warn'];
const OPTIONS_KIND: Record<string, string> = { create: 'CreateOptions', update: 'UpdateOptions' };

function directive(query: URLSearchParams, verb: string): string {
  const value = query.get('fieldValidation') ?? '';
  if (DIRECTIVES.includes(value)) return value === '' ? 'Warn' : value;
  const supported = DIRECTIVES.map((d) => `"${d}"`).join(', ');
  const message = `Unsupported value: "${value}": supported values: ${supported}`;
  const kind = OPTIONS_KIND[verb] ?? 'PatchOptions';
  throw new ApiError(422, 'Invalid', `${kind}.meta.k8s.io "" is invalid: fieldValidation: ${message}`, {
    group: 'meta.k8s.io',
    kind,
    causes: [{ reason: 'FieldValueNotSupported', message, field: 'fieldValidation' }],
  });
}

function pruneContext(schema: KindSchema): PruneContext {
  return { schemas: schema.schemas, bareObjectsOpen: schema.builtin };
}

function kindSchema(store: ObjectStore, target: Target) {
  const rt = target.rt;
  if (rt.builtin) return builtinKindSchema(rt.group, target.version, rt.kind);
  const crd = store.get(
    target.cluster,
    'apiextensions.k8s.io/customresourcedefinitions',
    '',
    `${rt.resource}.${rt.group}`,
  );
  return crd ? crdKindSchema(crd, target.version) : undefined;
}

/** Applies the request's field validation to a create/update body; returns the body without unknown fields. */
export function validateFields(
  res: ServerResponse,
  query: URLSearchParams,
  store: ObjectStore,
  target: Target,
  verb: 'create' | 'update',
  body: KubeObject,
): KubeObject {
  const mode = directive(query, verb);
  const schema = kindSchema(store, target);
  if (!schema) return body;
  const copy = structuredClone(body);
  const unknown = pruneUnknownFields(copy, schema.schema, pruneContext(schema));
  if (unknown.length === 0) return body;
  if (mode === 'Strict') {
    const kind = target.rt.kind;
    throw badRequest(
      `${kind} in version "${target.version}" cannot be handled as a ${kind}: strict decoding error: ${unknown.map((f) => `unknown field "${f}"`).join(', ')}`,
    );
  }
  if (mode === 'Warn') {
    const previous = res.getHeader('warning');
    const list = Array.isArray(previous) ? previous : previous === undefined ? [] : [String(previous)];
    res.setHeader('warning', [...list, ...unknown.map((f) => `299 - "unknown field \\"${f}\\""`)]);
  }
  return copy;
}

/** A Status without `reason`, as kube-apiserver sends for errors it does not classify. */
class ReasonlessError extends ApiError {
  override toStatus() {
    const status = super.toStatus();
    delete status.reason;
    return status;
  }
}

/** Go's %v of a decoded JSON value (the SMP error quotes the patch this way). */
function goFormat(value: unknown): string {
  if (value === null || value === undefined) return '<nil>';
  if (Array.isArray(value)) return `[${value.map(goFormat).join(' ')}]`;
  if (typeof value === 'object') {
    const entries = Object.keys(value as object)
      .sort()
      .map((k) => `${k}:${goFormat((value as Record<string, unknown>)[k])}`);
    return `map[${entries.join(' ')}]`;
  }
  return String(value);
}

/** JSON with object keys sorted, as Go marshals a map[string]interface{}. */
function sortedJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(sortedJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    const parts = Object.keys(record)
      .sort()
      .filter((k) => record[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${sortedJson(record[k])}`);
    return `{${parts.join(',')}}`;
  }
  return JSON.stringify(value);
}

function sortedCopy(value: unknown): unknown {
  return JSON.parse(sortedJson(value));
}

/**
 * The check a JSON, merge or strategic-merge patch gets once applied: unknown fields of the patched object (keys
 * sorted, as the server re-encodes maps) are rejected with 422 (Strict), warned about (Warn) or dropped.
 */
export function patchFieldValidator(
  res: ServerResponse,
  query: URLSearchParams,
  store: ObjectStore,
  target: Target,
): (patched: KubeObject, patch: unknown, strategic: boolean) => KubeObject {
  const mode = directive(query, 'patch');
  return (patched, patch, strategic) => {
    const schema = kindSchema(store, target);
    if (!schema) return patched;
    const unknown = pruneUnknownFields(sortedCopy(patched), schema.schema, pruneContext(schema));
    if (unknown.length === 0) return patched;
    if (mode === 'Strict') {
      const value = strategic ? goFormat(patch) : sortedJson(patched);
      const message = `Invalid value: ${JSON.stringify(value)}: strict decoding error: ${unknown.map((f) => `unknown field "${f}"`).join(', ')}`;
      throw new ApiError(422, 'Invalid', ` "" is invalid: patch: ${message}`, {
        causes: [{ reason: 'FieldValueInvalid', message, field: 'patch' }],
      });
    }
    if (mode === 'Warn')
      res.setHeader(
        'warning',
        unknown.map((f) => `299 - "unknown field \\"${f}\\""`),
      );
    // Dropped in the object's own key order; the sorted copy only fixed the reporting order.
    const pruned = structuredClone(patched);
    pruneUnknownFields(pruned, schema.schema, pruneContext(schema));
    return pruned;
  };
}

/** Server-side apply types the patch against the schema first: an unknown field fails it (500), whatever the directive. */
export function checkApplyFields(store: ObjectStore, target: Target, patch: unknown): void {
  const schema = kindSchema(store, target);
  if (!schema || !patch || typeof patch !== 'object') return;
  const copy = structuredClone(patch);
  const [first] = pruneUnknownFields(copy, schema.schema, { ...pruneContext(schema), style: 'ssa' });
  if (first === undefined) return;
  const meta = (patch as { metadata?: { name?: unknown; namespace?: unknown } }).metadata ?? {};
  const name = `${typeof meta.namespace === 'string' ? meta.namespace : ''}/${typeof meta.name === 'string' ? meta.name : ''}`;
  const rt = target.rt;
  const gvk = `${rt.group ? `${rt.group}/` : '/'}${target.version}, Kind=${rt.kind}`;
  throw new ReasonlessError(
    500,
    'InternalError',
    `failed to create typed patch object (${name}; ${gvk}): ${first}: field not declared in schema`,
  );
}

/** An apply body (YAML or JSON); undefined when it does not parse, which the apply itself then reports. */
export function parseApplyBody(text: string): unknown {
  try {
    return parseYaml(text);
  } catch {
    return undefined;
  }
}
