/**
 * The fixed schemas kcp v0.11's crdpuller substitutes for well-known Kubernetes types (its `knownPackages`,
 * after controller-tools), keyed by OpenAPI definition name, and the two primitive defaults it adds.
 * Source: pkg/crdpuller/discovery.go in kcp v0.11.0.
 */
import type { JsonSchemaProps } from './json-schema-props.js';

const INT_OR_STRING: readonly JsonSchemaProps[] = [{ type: 'integer' }, { type: 'string' }];

export const KNOWN_SCHEMAS: Readonly<Record<string, JsonSchemaProps>> = {
  // Not an OpenAPI definition (the protocol is a plain string field), kept for parity with kcp's table.
  'io.k8s.api.core.v1.Protocol': { type: 'string', default: 'TCP' },
  // Nested metadata (pod templates) keeps every field: the server manages and validates it.
  'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta': {
    type: 'object',
    'x-kubernetes-preserve-unknown-fields': true,
  },
  'io.k8s.apimachinery.pkg.apis.meta.v1.Time': { type: 'string', format: 'date-time' },
  'io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime': { type: 'string', format: 'date-time' },
  'io.k8s.apimachinery.pkg.apis.meta.v1.Duration': { type: 'string' },
  'io.k8s.apimachinery.pkg.apis.meta.v1.Fields': { type: 'object', additionalProperties: true },
  'io.k8s.apimachinery.pkg.api.resource.Quantity': {
    anyOf: INT_OR_STRING,
    pattern:
      '^(\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))))?$',
    'x-kubernetes-int-or-string': true,
  },
  'io.k8s.apimachinery.pkg.runtime.RawExtension': { type: 'object' },
  'io.k8s.apimachinery.pkg.apis.meta.v1.unstructured.Unstructured': { type: 'object' },
  'io.k8s.apimachinery.pkg.util.intstr.IntOrString': {
    anyOf: INT_OR_STRING,
    'x-kubernetes-int-or-string': true,
  },
  'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1beta1.JSON': {
    'x-kubernetes-preserve-unknown-fields': true,
  },
  'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSON': {
    'x-kubernetes-preserve-unknown-fields': true,
  },
};

/** Defaults kcp sets on primitives, by OpenAPI path (definition name + field). */
export const KNOWN_DEFAULTS: Readonly<Record<string, unknown>> = {
  'io.k8s.api.core.v1.ContainerPort.protocol': 'TCP',
  'io.k8s.api.core.v1.ServicePort.protocol': 'TCP',
};
