import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { canonicalSchema, type JsonSchemaProps } from './json-schema-props.js';
import { OpenApiModels, type OpenApiV2Document } from './openapi-model.js';
import { convertDefinition } from './schema-converter.js';

// Recorded from a real kube-apiserver 1.35 (/openapi/v2, trimmed to what the four kinds reach) and, for the
// expectations, the output of kcp v0.11's own converter (crdpuller.Convert) over that same document.
const fixture = (name: string) =>
  readFileSync(new URL(`../../test/fixtures/kube-1.35/${name}`, import.meta.url), 'utf8');
const DOCUMENT = JSON.parse(fixture('openapi-v2.json')) as OpenApiV2Document;
const GOLDEN_TEXT = JSON.parse(fixture('kcp-v0.11-converted.json')) as Record<string, unknown>;

const DEFINITIONS: Record<string, string> = {
  'Deployment.v1.apps': 'io.k8s.api.apps.v1.Deployment',
  'Service.v1.': 'io.k8s.api.core.v1.Service',
  'ConfigMap.v1.': 'io.k8s.api.core.v1.ConfigMap',
  'Secret.v1.': 'io.k8s.api.core.v1.Secret',
};

function convert(definition: string, document: OpenApiV2Document = DOCUMENT) {
  return convertDefinition(new OpenApiModels(document), definition);
}

const at = (schema: JsonSchemaProps, ...path: string[]): JsonSchemaProps => {
  let current = schema;
  for (const step of path) {
    const next = step === '[]' ? current.items : current.properties?.[step];
    if (next === undefined) throw new Error(`no ${step} in ${JSON.stringify(Object.keys(current))}`);
    current = next;
  }
  return current;
};

describe('convertDefinition (kcp v0.11 crdpuller) on kube-apiserver 1.35 OpenAPI v2', () => {
  for (const [gvk, definition] of Object.entries(DEFINITIONS)) {
    it(`converts ${definition} exactly as kcp does, byte for byte in Go's key order`, () => {
      const { schema, errors } = convert(definition);
      expect(errors).toEqual([]);
      expect(JSON.stringify(canonicalSchema(schema))).toBe(JSON.stringify(GOLDEN_TEXT[gvk]));
    });
  }

  it('keeps what kcp keeps and drops what it drops (Deployment)', () => {
    const { schema } = convert('io.k8s.api.apps.v1.Deployment');
    // Top-level metadata: an untyped object, no description; nested metadata keeps unknown fields.
    expect(at(schema, 'metadata')).toEqual({ type: 'object' });
    expect(at(schema, 'spec', 'template', 'metadata')).toMatchObject({
      type: 'object',
      'x-kubernetes-preserve-unknown-fields': true,
    });
    // A list with a merge key becomes a map list whose keys are required.
    const containers = at(schema, 'spec', 'template', 'spec', 'containers');
    expect(containers['x-kubernetes-list-type']).toBe('map');
    expect(containers['x-kubernetes-list-map-keys']).toEqual(['name']);
    expect(containers.items?.required).toContain('name');
    // kcp's known default: container port protocol TCP, which also drops it from the required map keys.
    const ports = at(schema, 'spec', 'template', 'spec', 'containers', '[]', 'ports');
    expect(at(ports, '[]', 'protocol').default).toBe('TCP');
    expect(ports.items?.required).not.toContain('protocol');
    // Quantities and int-or-string: kcp's fixed schemas.
    const limits = at(schema, 'spec', 'template', 'spec', 'containers', '[]', 'resources', 'limits');
    expect(limits.additionalProperties).toMatchObject({
      'x-kubernetes-int-or-string': true,
      anyOf: [{ type: 'integer' }, { type: 'string' }],
    });
    expect(at(schema, 'spec', 'strategy', 'rollingUpdate', 'maxSurge')).toMatchObject({
      'x-kubernetes-int-or-string': true,
    });
    expect(at(schema, 'status', 'conditions', '[]', 'lastUpdateTime')).toMatchObject({
      type: 'string',
      format: 'date-time',
    });
    // Dropped: map types, enums, the group-version-kind extension.
    const text = JSON.stringify(schema);
    expect(text).not.toContain('x-kubernetes-map-type');
    expect(text).not.toContain('x-kubernetes-group-version-kind');
    expect(text).not.toContain('"enum"');
  });

  it('reads a patch strategy as a list type: merge on objects is a map, on scalars a set, else atomic', () => {
    const document: OpenApiV2Document = {
      definitions: {
        'x.Item': { type: 'object', properties: { key: { type: 'string' }, other: { type: 'string' } } },
        'x.Kind': {
          type: 'object',
          properties: {
            byKey: {
              type: 'array',
              items: { $ref: '#/definitions/x.Item' },
              'x-kubernetes-patch-strategy': 'merge',
              'x-kubernetes-patch-merge-key': 'key',
            },
            names: { type: 'array', items: { type: 'string' }, 'x-kubernetes-patch-strategy': 'merge' },
            replaced: {
              type: 'array',
              items: { type: 'string' },
              'x-kubernetes-patch-strategy': 'retainKeys',
            },
            keyOnly: {
              type: 'array',
              items: { $ref: '#/definitions/x.Item' },
              'x-kubernetes-patch-merge-key': 'key',
            },
            plain: { type: 'array', items: { type: 'string' } },
          },
        },
      },
    };
    const { schema } = convert('x.Kind', document);
    expect(at(schema, 'byKey')).toMatchObject({
      'x-kubernetes-list-type': 'map',
      'x-kubernetes-list-map-keys': ['key'],
      items: { required: ['key'] },
    });
    expect(at(schema, 'names')['x-kubernetes-list-type']).toBe('set');
    expect(at(schema, 'replaced')['x-kubernetes-list-type']).toBe('atomic');
    expect(at(schema, 'keyOnly')['x-kubernetes-list-type']).toBe('map');
    expect(at(schema, 'plain')['x-kubernetes-list-type']).toBeUndefined();
  });

  it('marks untyped values as embedded resources, keeping preserve-unknown-fields where the document sets it', () => {
    const document: OpenApiV2Document = {
      definitions: {
        'x.Kind': {
          type: 'object',
          properties: {
            anything: { description: 'any value', 'x-kubernetes-preserve-unknown-fields': true },
            bag: { type: 'object', description: 'a bag' },
          },
        },
      },
    };
    const { schema } = convert('x.Kind', document);
    expect(at(schema, 'anything')).toEqual({
      description: 'any value',
      'x-kubernetes-preserve-unknown-fields': true,
      'x-kubernetes-embedded-resource': true,
    });
    expect(at(schema, 'bag')).toEqual({
      description: 'a bag',
      type: 'object',
      additionalProperties: { description: 'a bag', 'x-kubernetes-embedded-resource': true },
    });
  });

  it('refuses recursive schemas, as kcp does', () => {
    const document: OpenApiV2Document = {
      definitions: {
        'x.Node': {
          type: 'object',
          properties: { children: { type: 'array', items: { $ref: '#/definitions/x.Node' } } },
        },
        'x.Kind': { type: 'object', properties: { root: { $ref: '#/definitions/x.Node' } } },
      },
    };
    expect(convert('x.Kind', document).errors).toEqual(['recursive schema are not supported: x.Node']);
  });
});
