import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RawEndpoint, rawRequest } from '../../test/support/raw-http.js';
import { gnosticRoot } from '../api/openapi/builtin.js';
import { type KubeSimulator, startKubeSimulator } from '../simulator.js';

// kubectl's client-side tooling reads /openapi/v3 (explain, the fieldValidation verifier, apply's patch schema)
// and relies on the server's fieldValidation; the simulator serves both as kube-apiserver v1.35.4 does.

const JSON_HEADERS = { 'content-type': 'application/json', accept: 'application/json' };

function widgetCrd(group = 'example.com') {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `widgets.${group}` },
    spec: {
      group,
      scope: 'Namespaced',
      names: { plural: 'widgets', singular: 'widget', kind: 'Widget', listKind: 'WidgetList' },
      versions: [
        {
          name: 'v1',
          served: true,
          storage: true,
          schema: {
            openAPIV3Schema: {
              type: 'object',
              properties: {
                spec: { type: 'object', properties: { size: { type: 'integer' } } },
                extra: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
              },
            },
          },
        },
      ],
    },
  };
}

async function json(to: RawEndpoint, path: string): Promise<Record<string, unknown>> {
  const reply = await rawRequest(to, 'GET', path, undefined, { accept: 'application/json' });
  expect(reply.status, path).toBe(200);
  return JSON.parse(reply.body.toString()) as Record<string, unknown>;
}

let sim: KubeSimulator;
let to: RawEndpoint;

beforeAll(async () => {
  sim = await startKubeSimulator({ token: 't' });
  to = { url: sim.url, token: 't' };
  const crd = JSON.stringify(widgetCrd());
  await rawRequest(to, 'POST', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', crd, JSON_HEADERS);
});

afterAll(async () => {
  await sim.stop();
});

describe('/openapi/v3', () => {
  it('lists documents with hash-pinned URLs; a pinned fetch is immutable, a stale hash redirects', async () => {
    const root = (await json(to, '/openapi/v3')).paths as Record<string, { serverRelativeURL: string }>;
    expect(Object.keys(root)).toEqual(
      expect.arrayContaining(['api/v1', 'apis/apps/v1', 'apis/apps', 'version', 'apis/example.com/v1']),
    );
    const url = root['apis/apps/v1']!.serverRelativeURL;
    const pinned = await rawRequest(to, 'GET', url);
    expect(pinned.headers['cache-control']).toBe('public, immutable');
    const hash = createHash('sha512').update(pinned.body).digest('hex').toUpperCase();
    expect(url).toBe(`/openapi/v3/apis/apps/v1?hash=${hash}`);
    expect(pinned.headers.etag).toBe(`"${hash}"`);
    const stale = await rawRequest(to, 'GET', '/openapi/v3/apis/apps/v1?hash=0');
    expect(stale.status).toBe(301);
    expect(stale.headers.location).toBe(url);
  });

  it('serves the built-in schemas with the fieldValidation parameter kubectl looks for', async () => {
    const doc = await json(to, '/openapi/v3/apis/apps/v1');
    const schemas = (doc.components as { schemas: Record<string, Record<string, unknown>> }).schemas;
    expect(schemas['io.k8s.api.apps.v1.DeploymentSpec']?.properties).toHaveProperty('replicas');
    const paths = doc.paths as Record<string, Record<string, { parameters?: { name: string }[] }>>;
    const patch = paths['/apis/apps/v1/namespaces/{namespace}/deployments/{name}']?.patch;
    expect(patch?.parameters?.map((p) => p.name)).toContain('fieldValidation');
  });

  it('generates a served CRD version document from its openAPIV3Schema', async () => {
    const doc = await json(to, '/openapi/v3/apis/example.com/v1');
    const schemas = (doc.components as { schemas: Record<string, Record<string, unknown>> }).schemas;
    const widget = schemas['com.example.v1.Widget']!;
    expect(widget['x-kubernetes-group-version-kind']).toEqual([
      { group: 'example.com', kind: 'Widget', version: 'v1' },
    ]);
    expect(Object.keys(widget.properties as object).sort()).toEqual([
      'apiVersion',
      'extra',
      'kind',
      'metadata',
      'spec',
    ]);
    expect(schemas).toHaveProperty(['io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta']);
    const paths = doc.paths as Record<string, Record<string, Record<string, unknown>>>;
    const patch = paths['/apis/example.com/v1/namespaces/{namespace}/widgets/{name}']!.patch!;
    expect(patch.operationId).toBe('patchExampleComV1NamespacedWidget');
    expect(Object.keys((patch.requestBody as { content: object }).content)).toEqual([
      'application/apply-patch+yaml',
      'application/json-patch+json',
      'application/merge-patch+json',
    ]);
  });

  it('serves /openapi/v2 as JSON and as gnostic protobuf, both with CRD definitions', async () => {
    const v2 = await json(to, '/openapi/v2');
    expect(v2.swagger).toBe('2.0');
    expect(v2.definitions).toHaveProperty(['com.example.v1.Widget']);
    expect(v2.definitions).toHaveProperty(['io.k8s.api.apps.v1.Deployment']);
    // kubectl's discovery client asks with the deprecated name only (client-go discovery OpenAPISchema).
    const pb = await rawRequest(to, 'GET', '/openapi/v2', undefined, {
      accept: 'application/com.github.proto-openapi.spec.v2@v1.0+protobuf',
    });
    expect(pb.status).toBe(200);
    expect(pb.headers['content-type']).toBe('application/com.github.proto-openapi.spec.v2.v1.0+protobuf');
    const document = gnosticRoot().lookupType('openapi.v2.Document').decode(pb.body) as unknown as {
      swagger: string;
      definitions: { additional_properties: { name: string; value: Record<string, unknown> }[] };
    };
    expect(document.swagger).toBe('2.0');
    const names = document.definitions.additional_properties.map((d) => d.name);
    expect(names).toContain('io.k8s.api.apps.v1.Deployment');
    const widget = document.definitions.additional_properties.find((d) => d.name === 'com.example.v1.Widget');
    expect(widget?.value.vendor_extension).toEqual([
      expect.objectContaining({ name: 'x-kubernetes-group-version-kind' }),
    ]);
    const html = await rawRequest(to, 'GET', '/openapi/v2', undefined, { accept: 'text/html' });
    expect(html.status).toBe(406);
  });

  it('keeps each kcp workspace’s CRDs in its own documents', async () => {
    const kcp = await startKubeSimulator({ kcp: { localCrds: true }, token: 't' });
    try {
      const kto = { url: kcp.url, token: 't' };
      const crd = JSON.stringify(widgetCrd('kcp.example.com'));
      const created = await rawRequest(
        kto,
        'POST',
        '/clusters/root:a/apis/apiextensions.k8s.io/v1/customresourcedefinitions',
        crd,
        JSON_HEADERS,
      );
      expect(created.status).toBe(201);
      const a = (await json(kto, '/clusters/root:a/openapi/v3')).paths as object;
      const b = (await json(kto, '/clusters/root:b/openapi/v3')).paths as object;
      expect(a).toHaveProperty(['apis/kcp.example.com/v1']);
      expect(b).not.toHaveProperty(['apis/kcp.example.com/v1']);
    } finally {
      await kcp.stop();
    }
  });
});

describe('fieldValidation', () => {
  const body = JSON.stringify({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'fv', foo: 1 },
    data: { a: 'b' },
    bar: { x: 1 },
  });
  const path = '/api/v1/namespaces/default/configmaps';

  it('Strict rejects unknown fields with the strict decoding error, in document order', async () => {
    const reply = await rawRequest(to, 'POST', `${path}?fieldValidation=Strict`, body, JSON_HEADERS);
    expect(reply.status).toBe(400);
    expect(JSON.parse(reply.body.toString())).toMatchObject({
      reason: 'BadRequest',
      message:
        'ConfigMap in version "v1" cannot be handled as a ConfigMap: strict decoding error: unknown field "metadata.foo", unknown field "bar"',
    });
  });

  it('Warn (the default) warns per field and drops them; Ignore drops them silently', async () => {
    const warned = await rawRequest(to, 'POST', path, body, JSON_HEADERS);
    expect(warned.status).toBe(201);
    expect(warned.headers.warning).toBe(
      '299 - "unknown field \\"metadata.foo\\"", 299 - "unknown field \\"bar\\""',
    );
    const stored = JSON.parse(warned.body.toString()) as Record<string, Record<string, unknown>>;
    expect(stored).not.toHaveProperty('bar');
    expect(stored.metadata).not.toHaveProperty('foo');
    const ignored = await rawRequest(to, 'PUT', `${path}/fv?fieldValidation=Ignore`, body, JSON_HEADERS);
    expect(ignored.status).toBe(200);
    expect(ignored.headers.warning).toBeUndefined();
  });

  it('checks custom resources against their CRD schema, keeping preserved fields', async () => {
    const cr = JSON.stringify({
      apiVersion: 'example.com/v1',
      kind: 'Widget',
      metadata: { name: 'w' },
      spec: { size: 1, color: 'red' },
      extra: { anything: true },
    });
    const reply = await rawRequest(
      to,
      'POST',
      '/apis/example.com/v1/namespaces/default/widgets?fieldValidation=Strict',
      cr,
      JSON_HEADERS,
    );
    expect(reply.status).toBe(400);
    expect(JSON.parse(reply.body.toString()).message).toBe(
      'Widget in version "v1" cannot be handled as a Widget: strict decoding error: unknown field "spec.color"',
    );
  });

  it('fails server-side apply of an unknown field with its typed path (list items by key)', async () => {
    const apply = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web2' },
      spec: { template: { spec: { containers: [{ name: 'c', image: 'x', bogus: 1 }] } } },
    };
    const reply = await rawRequest(
      to,
      'PATCH',
      '/apis/apps/v1/namespaces/default/deployments/web2?fieldManager=t',
      JSON.stringify(apply),
      { 'content-type': 'application/apply-patch+yaml' },
    );
    // Measured on kube-apiserver v1.35.4 with the same request.
    expect(reply.status).toBe(500);
    expect(JSON.parse(reply.body.toString())).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message:
        'failed to create typed patch object (/web2; apps/v1, Kind=Deployment): .spec.template.spec.containers[name="c"].bogus: field not declared in schema',
      code: 500,
    });
  });

  it('rejects an unknown directive with 422 like kube-apiserver', async () => {
    const reply = await rawRequest(to, 'POST', `${path}?fieldValidation=Bogus`, body, JSON_HEADERS);
    expect(reply.status).toBe(422);
    expect(JSON.parse(reply.body.toString()).message).toBe(
      'CreateOptions.meta.k8s.io "" is invalid: fieldValidation: Unsupported value: "Bogus": supported values: "", "Ignore", "Strict", "Warn"',
    );
  });
});
