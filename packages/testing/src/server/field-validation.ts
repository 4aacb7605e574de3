import type { ServerResponse } from 'node:http';
import { builtinKindSchema, crdKindSchema } from '../api/openapi/schemas.js';
import { pruneUnknownFields } from '../api/openapi/unknown-fields.js';
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
  const unknown = pruneUnknownFields(copy, schema.schema, schema.schemas);
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
