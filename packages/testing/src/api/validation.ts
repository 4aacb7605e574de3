import { type FieldError, fieldInvalid, fieldRequired, fieldTooLong } from './status.js';
import type { KubeObject } from './types.js';

// Messages as k8s.io/apimachinery/pkg/util/validation prints them.

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

export const MAX_OBJECT_BYTES = 1.5 * 1024 * 1024;
export const MAX_REQUEST_BYTES = 3 * 1024 * 1024;
export const MAX_CONFIG_BYTES = 1024 * 1024;
const TOTAL_ANNOTATION_BYTES = 256 * 1024;

/** kube's IsDNS1123Label and friends: a length limit and a pattern, each with its own message. */
function formatErrors(value: string, maxLength: number, format: RegExp, message: string): string[] {
  const errs: string[] = [];
  if (value.length > maxLength) errs.push(`must be no more than ${maxLength} characters`);
  if (!format.test(value)) errs.push(message);
  return errs;
}

const DNS1123_LABEL_MESSAGE =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const DNS1123_SUBDOMAIN_MESSAGE =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const DNS1035_LABEL_MESSAGE =
  "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";

export const dns1123LabelErrors = (value: string): string[] =>
  formatErrors(value, 63, DNS1123_LABEL, DNS1123_LABEL_MESSAGE);
export const dns1123SubdomainErrors = (value: string): string[] =>
  formatErrors(value, 253, DNS1123_SUBDOMAIN, DNS1123_SUBDOMAIN_MESSAGE);
export const dns1035LabelErrors = (value: string): string[] =>
  formatErrors(value, 63, DNS1035_LABEL, DNS1035_LABEL_MESSAGE);

function pathSegmentErrors(value: string): string[] {
  if (value === '.' || value === '..') return [`may not be '${value}'`];
  for (const bad of ['/', '%']) if (value.includes(bad)) return [`may not contain '${bad}'`];
  return [];
}

export function nameErrors(format: 'subdomain' | 'label' | 'dns1035' | 'path', value: string): string[] {
  switch (format) {
    case 'label':
      return dns1123LabelErrors(value);
    case 'dns1035':
      return dns1035LabelErrors(value);
    case 'path':
      return pathSegmentErrors(value);
    default:
      return dns1123SubdomainErrors(value);
  }
}

function qualifiedNameErrors(value: string): string[] {
  const errs: string[] = [];
  const parts = value.split('/');
  let name = value;
  if (parts.length === 2) {
    const [prefix, n] = parts as [string, string];
    name = n;
    if (prefix.length === 0) errs.push('prefix part must be non-empty');
    else errs.push(...dns1123SubdomainErrors(prefix).map((e) => `prefix part ${e}`));
  } else if (parts.length > 2) {
    return [
      "a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')",
    ];
  }
  if (name.length === 0) errs.push('name part must be non-empty');
  else if (name.length > 63) errs.push('name part must be no more than 63 characters');
  if (name.length > 0 && !QUALIFIED_NAME.test(name)) {
    errs.push(
      "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
    );
  }
  return errs;
}

function labelValueErrors(value: string): string[] {
  const errs: string[] = [];
  if (value.length > 63) errs.push('must be no more than 63 characters');
  if (!LABEL_VALUE.test(value)) {
    errs.push(
      "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')",
    );
  }
  return errs;
}

export function validateLabels(labels: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (labels === undefined || labels === null) return errs;
  for (const [k, v] of Object.entries(labels as Record<string, unknown>)) {
    for (const e of qualifiedNameErrors(k)) errs.push(fieldInvalid(path, k, e));
    if (typeof v !== 'string') {
      errs.push({ type: 'FieldValueTypeInvalid', field: `${path}`, body: 'Invalid value: must be a string' });
      continue;
    }
    for (const e of labelValueErrors(v)) errs.push(fieldInvalid(`${path}`, v, e));
  }
  return errs;
}

export function validateAnnotations(annotations: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (annotations === undefined || annotations === null) return errs;
  let total = 0;
  for (const [k, v] of Object.entries(annotations as Record<string, unknown>)) {
    for (const e of qualifiedNameErrors(k.toLowerCase())) errs.push(fieldInvalid(path, k, e));
    total += k.length + (typeof v === 'string' ? v.length : 0);
  }
  if (total > TOTAL_ANNOTATION_BYTES) errs.push(fieldTooLong(path, TOTAL_ANNOTATION_BYTES));
  return errs;
}

/** ObjectMeta validation shared by every kind (ValidateObjectMeta). */
export function validateObjectMeta(
  obj: KubeObject,
  nameFormat: 'subdomain' | 'label' | 'dns1035' | 'path',
  namespaced: boolean,
): FieldError[] {
  const errs: FieldError[] = [];
  const m = obj.metadata;
  if (!m.name) {
    errs.push(fieldRequired('metadata.name', 'name or generateName is required'));
  } else {
    for (const e of nameErrors(nameFormat, m.name)) errs.push(fieldInvalid('metadata.name', m.name, e));
  }
  if (namespaced && !m.namespace) errs.push(fieldRequired('metadata.namespace', ''));
  if (!namespaced && m.namespace) {
    errs.push({
      type: 'FieldValueForbidden',
      field: 'metadata.namespace',
      body: 'Forbidden: not allowed on this type',
    });
  }
  errs.push(...validateLabels(m.labels, 'metadata.labels'));
  errs.push(...validateAnnotations(m.annotations, 'metadata.annotations'));
  if (m.finalizers !== undefined) {
    for (const f of m.finalizers) {
      for (const e of qualifiedNameErrors(f)) errs.push(fieldInvalid('metadata.finalizers', f, e));
    }
  }
  return errs;
}
