import { afterAll, beforeAll, describe, expect, it, type TestContext } from 'vitest';
import { decodeObject, encodeObject, PROTOBUF_MEDIA_TYPE } from '../api/protobuf/envelope.js';
import { type RawEndpoint, rawRequest } from '../server/test-support/raw-http.js';
import { type KubeSimulator, startKubeSimulator } from '../simulator.js';
import { RealApiserverUnavailableError } from './errors.js';
import { type RealKubeApiserver, startRealKubeApiserver } from './kube-apiserver.js';

// The same protobuf requests (what kubectl's typed clients send) against the simulator and a real kube-apiserver
// v1.35.4 must decode to the same objects, apart from what each server generates (uid, times, versions).

const PB = { 'content-type': PROTOBUF_MEDIA_TYPE, accept: `${PROTOBUF_MEDIA_TYPE}, application/json` };
const NS = 'pb-diff';

let real: RealKubeApiserver | undefined;
let sim: KubeSimulator | undefined;
let unavailable: string | undefined;
const servers: Record<'real' | 'sim', RawEndpoint> = {} as Record<'real' | 'sim', RawEndpoint>;

beforeAll(async () => {
  try {
    real = await startRealKubeApiserver({});
  } catch (error) {
    if (!(error instanceof RealApiserverUnavailableError)) throw error;
    unavailable = error.message;
    return;
  }
  sim = await startKubeSimulator({ token: 't' });
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
    ];
    for (const c of created) expect(c.sim).toEqual(c.real);
    for (const path of [
      `/api/v1/namespaces/${NS}`,
      `/api/v1/namespaces/${NS}/configmaps/cm`,
      `/api/v1/namespaces/${NS}/secrets/s`,
      `/apis/apps/v1/namespaces/${NS}/deployments/web`,
      `/api/v1/namespaces/${NS}/configmaps?labelSelector=pb%3Dyes`,
      `/api/v1/namespaces/${NS}/configmaps/missing`,
    ]) {
      const got = await both('GET', path);
      expect(got.sim, path).toEqual(got.real);
    }
  });
});
