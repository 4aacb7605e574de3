import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it, type TestContext } from 'vitest';
import { type RawEndpoint, rawRequest } from '../../test/support/raw-http.js';
import { decodeObject, encodeObject, PROTOBUF_MEDIA_TYPE } from '../api/protobuf/envelope.js';
import { type KubeSimulator, startKubeSimulator } from '../simulator.js';
import { resolveKubectl } from './binaries.js';
import { RealApiserverUnavailableError } from './errors.js';
import { type RealKubeApiserver, startRealKubeApiserver } from './kube-apiserver.js';

// What kubectl relies on, asked of the simulator and of a real kube-apiserver v1.35.4 alike: protobuf bodies (its
// typed clients) must decode to the same objects, apart from what each server generates (uid, times, versions);
// fieldValidation must answer the same; `kubectl explain` must print the same from /openapi/v3.

const run = promisify(execFile);

const PB = { 'content-type': PROTOBUF_MEDIA_TYPE, accept: `${PROTOBUF_MEDIA_TYPE}, application/json` };
const NS = 'pb-diff';

let real: RealKubeApiserver | undefined;
let sim: KubeSimulator | undefined;
let unavailable: string | undefined;
let kubectl: string | undefined;
const servers: Record<'real' | 'sim', RawEndpoint> = {} as Record<'real' | 'sim', RawEndpoint>;

beforeAll(async () => {
  try {
    real = await startRealKubeApiserver({});
  } catch (error) {
    if (!(error instanceof RealApiserverUnavailableError)) throw error;
    unavailable = error.message;
    return;
  }
  kubectl = (await resolveKubectl()).kubectl;
  // No token: the simulator's kubeconfig then needs none, and raw requests' bearer header is ignored.
  sim = await startKubeSimulator({});
  servers.real = { url: real.url, token: real.token, ca: real.caCertPem };
  servers.sim = { url: sim.url, token: 't' };
}, 600_000);

afterAll(async () => {
  await sim?.stop();
  await real?.stop();
});

function ready(ctx: TestContext): void {
  if (!real) ctx.skip(unavailable ?? 'real kube-apiserver did not start');
}

/**
 * What differs between any two servers by construction, and two simulator gaps that JSON shows the same way
 * (so not this suite's subject): managedFields sets lack kube-apiserver's "." entries for maps and list items,
 * and a Deployment created without controllers has no `status: {}`.
 */
function normalize(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(normalize);
  if (!value || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (['uid', 'resourceVersion', 'creationTimestamp', 'time'].includes(k) && typeof v === 'string') {
      out[k] = '<generated>';
    } else if (k === 'fieldsV1') {
      out[k] = '<fieldset>';
    } else if (k === 'status' && v && typeof v === 'object' && Object.keys(v).length === 0) {
      // dropped: see above
    } else out[k] = normalize(v);
  }
  return out;
}

async function both(method: string, path: string, body?: Record<string, unknown>) {
  const results: Record<string, unknown>[] = [];
  for (const to of [servers.real, servers.sim]) {
    const reply = await rawRequest(to, method, path, body ? encodeObject(body) : undefined, PB);
    expect(reply.headers['content-type'], `${to.url}${path}`).toBe(PROTOBUF_MEDIA_TYPE);
    results.push({ status: reply.status, object: normalize(decodeObject(reply.body)) });
  }
  return { real: results[0], sim: results[1] };
}

const deployment = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', labels: { app: 'web' } },
  spec: {
    replicas: 2,
    selector: { matchLabels: { app: 'web' } },
    strategy: {},
    template: {
      metadata: { labels: { app: 'web' } },
      spec: { containers: [{ name: 'nginx', image: 'nginx', resources: {} }] },
    },
  },
  status: {},
};

describe('protobuf against a real kube-apiserver', () => {
  it('creates, gets and lists built-in kinds to the same decoded objects', async (ctx) => {
    ready(ctx);
    const created = [
      await both('POST', '/api/v1/namespaces', {
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name: NS },
      }),
      await both('POST', `/api/v1/namespaces/${NS}/configmaps`, {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'cm', labels: { pb: 'yes' } },
        data: { a: 'b' },
        binaryData: { bin: Buffer.from([0, 1, 2]).toString('base64') },
      }),
      await both('POST', `/api/v1/namespaces/${NS}/secrets`, {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 's' },
        stringData: { p: 'q' },
      }),
      await both('POST', `/apis/apps/v1/namespaces/${NS}/deployments`, deployment),
      // MicroTime (microseconds kept through protobuf).
      await both('POST', `/apis/coordination.k8s.io/v1/namespaces/${NS}/leases`, {
        apiVersion: 'coordination.k8s.io/v1',
        kind: 'Lease',
        metadata: { name: 'lock' },
        spec: { holderIdentity: 'me', leaseDurationSeconds: 15, renewTime: '2026-01-02T03:04:05.123456Z' },
      }),
    ];
    for (const c of created) expect(c.sim).toEqual(c.real);
    for (const path of [
      `/api/v1/namespaces/${NS}`,
      `/api/v1/namespaces/${NS}/configmaps/cm`,
      `/api/v1/namespaces/${NS}/secrets/s`,
      `/apis/apps/v1/namespaces/${NS}/deployments/web`,
      `/apis/coordination.k8s.io/v1/namespaces/${NS}/leases/lock`,
      `/api/v1/namespaces/${NS}/configmaps?labelSelector=pb%3Dyes`,
      `/api/v1/namespaces/${NS}/configmaps/missing`,
    ]) {
      const got = await both('GET', path);
      expect(got.sim, path).toEqual(got.real);
    }
  });
});

const CRD = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: 'gadgets.wire.example.com' },
  spec: {
    group: 'wire.example.com',
    scope: 'Namespaced',
    names: { plural: 'gadgets', singular: 'gadget', kind: 'Gadget', listKind: 'GadgetList' },
    versions: [
      {
        name: 'v1',
        served: true,
        storage: true,
        schema: {
          openAPIV3Schema: {
            type: 'object',
            description: 'A gadget.',
            properties: {
              spec: {
                type: 'object',
                description: 'What the gadget should be.',
                properties: { size: { type: 'integer', description: 'How big.' } },
              },
            },
          },
        },
      },
    ],
  },
};

async function jsonBoth(method: string, path: string, body: unknown) {
  const out: { status: number; message: unknown; warning: unknown }[] = [];
  for (const to of [servers.real, servers.sim]) {
    const reply = await rawRequest(to, method, path, JSON.stringify(body), {
      'content-type': 'application/json',
      accept: 'application/json',
    });
    const parsed = JSON.parse(reply.body.toString()) as { message?: string };
    out.push({ status: reply.status, message: parsed.message, warning: reply.headers.warning });
  }
  return { real: out[0], sim: out[1] };
}

/** Waits until a CRD's resource answers on the real server (it is served once Established). */
async function crdServed(to: RawEndpoint, path: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while ((await rawRequest(to, 'GET', path)).status === 404) {
    if (Date.now() > deadline) throw new Error(`${path} still 404 after 30 s`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('fieldValidation and OpenAPI against a real kube-apiserver', () => {
  it('answers unknown fields the same: Strict, Warn, an unknown directive, a custom resource', async (ctx) => {
    ready(ctx);
    const cm = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'fv', foo: 1 },
      data: { a: 'b' },
      bar: { x: 1 },
      spec: 2,
    };
    const base = `/api/v1/namespaces/default/configmaps`;
    for (const query of [
      '?fieldValidation=Strict',
      '?fieldValidation=Warn&dryRun=All',
      '?dryRun=All',
      '?fieldValidation=No',
    ]) {
      const got = await jsonBoth('POST', `${base}${query}`, cm);
      expect(got.sim, query).toEqual(got.real);
    }
    await jsonBoth('POST', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', CRD);
    const gadgets = '/apis/wire.example.com/v1/namespaces/default/gadgets';
    await crdServed(servers.real, gadgets);
    const gadget = {
      apiVersion: 'wire.example.com/v1',
      kind: 'Gadget',
      metadata: { name: 'g' },
      spec: { size: 1, color: 'red' },
    };
    const strict = await jsonBoth('POST', `${gadgets}?fieldValidation=Strict`, gadget);
    expect(strict.sim).toEqual(strict.real);
  });

  it('answers unknown fields in patches the same: strategic, merge, JSON patch, server-side apply', async (ctx) => {
    ready(ctx);
    const path = '/api/v1/namespaces/default/configmaps/fvp';
    await jsonBoth('POST', '/api/v1/namespaces/default/configmaps', {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'fvp' },
      data: { a: 'b' },
    });
    const patch = async (type: string, query: string, body: unknown) => {
      const out: { status: number; message: string; warning: unknown }[] = [];
      for (const to of [servers.real, servers.sim]) {
        const reply = await rawRequest(
          to,
          'PATCH',
          `${path}?dryRun=All&fieldManager=t${query}`,
          JSON.stringify(body),
          {
            'content-type': type,
            accept: 'application/json',
          },
        );
        const message = String((JSON.parse(reply.body.toString()) as { message?: string }).message ?? '');
        // The merge and JSON patch messages quote the whole patched object, server-generated fields included.
        out.push({
          status: reply.status,
          message: message.replace(/Invalid value: ".*": strict/, 'Invalid value: <object>: strict'),
          warning: reply.headers.warning,
        });
      }
      return { real: out[0], sim: out[1] };
    };
    const smp = 'application/strategic-merge-patch+json';
    const cases: [string, string, unknown][] = [
      [smp, '&fieldValidation=Strict', { foo: 1, metadata: { bar: 'x' }, data: { z: '1' } }],
      [smp, '&fieldValidation=Warn', { zed: 1, foo: { y: 2 } }],
      ['application/merge-patch+json', '&fieldValidation=Strict', { foo: 1 }],
      ['application/json-patch+json', '', [{ op: 'add', path: '/foo', value: 1 }]],
      [
        'application/apply-patch+yaml',
        '',
        { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'fvp' }, foo: 1 },
      ],
    ];
    for (const [type, query, body] of cases) {
      const got = await patch(type, query, body);
      expect(got.sim, `${type}${query}`).toEqual(got.real);
    }
  });

  it('kubectl explain prints the same for a built-in field and a CRD field', async (ctx) => {
    ready(ctx);
    for (const args of [
      ['explain', 'deployment.spec.replicas'],
      ['explain', 'deployment.spec.strategy'],
      ['explain', 'gadgets.spec', '--recursive'],
      // The Swagger 2.0 form, read as gnostic protobuf from /openapi/v2.
      ['explain', 'deployment.spec.strategy', '--output=plaintext-openapiv2'],
      ['explain', 'gadgets.spec', '--output=plaintext-openapiv2'],
    ]) {
      const [fromReal, fromSim] = await Promise.all(
        [real!.kubeconfigPath, sim!.kubeconfigPath].map((kc) =>
          run(kubectl!, ['--kubeconfig', kc, ...args], {
            env: { ...process.env, KUBECACHEDIR: mkdtempSync(join(tmpdir(), 'kubectl-cache-')) },
          }),
        ),
      );
      expect(fromSim!.stdout, args.join(' ')).toBe(fromReal!.stdout);
    }
  });
});
