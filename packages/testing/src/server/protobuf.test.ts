import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RawEndpoint, rawRequest } from '../../test/support/raw-http.js';
import { kubeProto } from '../api/protobuf/descriptor.js';
import { decodeObject, encodeObject, PROTOBUF_MAGIC, PROTOBUF_MEDIA_TYPE } from '../api/protobuf/envelope.js';
import { openCrd } from '../kit/open-crd.js';
import { type KubeSimulator, startKubeSimulator } from '../simulator.js';

// kubectl's typed clients send and accept application/vnd.kubernetes.protobuf (`kubectl create namespace`,
// `create deployment`, `auth can-i`); the simulator must answer them as kube-apiserver does.

const PB = { 'content-type': PROTOBUF_MEDIA_TYPE, accept: `${PROTOBUF_MEDIA_TYPE}, application/json` };

let sim: KubeSimulator;
let to: RawEndpoint;

beforeAll(async () => {
  sim = await startKubeSimulator({ token: 't' });
  to = { url: sim.url, token: 't' };
  await rawRequest(
    to,
    'POST',
    '/apis/apiextensions.k8s.io/v1/customresourcedefinitions',
    JSON.stringify(openCrd({ group: 'example.com', kind: 'Widget' })),
    { 'content-type': 'application/json' },
  );
});

afterAll(async () => {
  await sim.stop();
});

async function getJson(path: string): Promise<Record<string, unknown>> {
  const reply = await rawRequest(to, 'GET', path, undefined, { accept: 'application/json' });
  return JSON.parse(reply.body.toString('utf8')) as Record<string, unknown>;
}

describe('protobuf bodies', () => {
  it('creates from a protobuf body and answers in protobuf what JSON clients read', async () => {
    const created = await rawRequest(
      to,
      'POST',
      '/api/v1/namespaces/default/configmaps',
      encodeObject({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'pb' }, data: { a: 'b' } }),
      PB,
    );
    expect(created.status).toBe(201);
    expect(created.headers['content-type']).toBe(PROTOBUF_MEDIA_TYPE);
    expect(created.body.subarray(0, 4)).toEqual(PROTOBUF_MAGIC);
    const fromProtobuf = decodeObject(created.body);
    expect(fromProtobuf).toEqual(await getJson('/api/v1/namespaces/default/configmaps/pb'));

    const got = await rawRequest(to, 'GET', '/api/v1/namespaces/default/configmaps/pb', undefined, PB);
    expect(decodeObject(got.body)).toEqual(fromProtobuf);
  });

  it('lists in protobuf (items without kind, as the typed list carries them)', async () => {
    const list = await rawRequest(to, 'GET', '/api/v1/namespaces/default/configmaps', undefined, PB);
    expect(list.headers['content-type']).toBe(PROTOBUF_MEDIA_TYPE);
    expect(decodeObject(list.body)).toEqual(await getJson('/api/v1/namespaces/default/configmaps'));
  });

  it('answers errors as protobuf Status and rejects a body without the k8s magic like kube-apiserver', async () => {
    const missing = await rawRequest(to, 'GET', '/api/v1/namespaces/nope', undefined, PB);
    expect(missing.status).toBe(404);
    expect(decodeObject(missing.body)).toMatchObject({
      kind: 'Status',
      reason: 'NotFound',
      message: 'namespaces "nope" not found',
      code: 404,
    });
    const bad = await rawRequest(to, 'POST', '/api/v1/namespaces', '{}', {
      'content-type': PROTOBUF_MEDIA_TYPE,
      accept: 'application/json',
    });
    expect(bad.status).toBe(400);
    // Message measured on kube-apiserver v1.35.4 for the same body.
    expect(JSON.parse(bad.body.toString()).message).toBe(
      'the object provided is unrecognized (must be of type Namespace): provided data does not appear to be a protobuf message, expected prefix [107 56 115 0] ({})',
    );
  });

  it('takes protobuf DeleteOptions, as typed clients send them', async () => {
    const deleteOptions = kubeProto().messageOf('v1', 'DeleteOptions');
    expect(deleteOptions).toBeDefined();
    const reply = await rawRequest(
      to,
      'DELETE',
      '/api/v1/namespaces/default/configmaps/pb',
      encodeObject({ apiVersion: 'v1', kind: 'DeleteOptions', dryRun: ['All'] }),
      PB,
    );
    expect(reply.status).toBe(200);
    expect((await rawRequest(to, 'GET', '/api/v1/namespaces/default/configmaps/pb')).status).toBe(200);
  });

  it('reads and replaces the scale subresource in protobuf (autoscaling/v1 Scale)', async () => {
    const deployment = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'scaled' },
      spec: {
        replicas: 1,
        selector: { matchLabels: { app: 's' } },
        template: { metadata: { labels: { app: 's' } }, spec: { containers: [{ name: 'c', image: 'i' }] } },
      },
    };
    const path = '/apis/apps/v1/namespaces/default/deployments';
    expect((await rawRequest(to, 'POST', path, encodeObject(deployment), PB)).status).toBe(201);
    const scale = decodeObject((await rawRequest(to, 'GET', `${path}/scaled/scale`, undefined, PB)).body);
    expect(scale).toMatchObject({ kind: 'Scale', apiVersion: 'autoscaling/v1', spec: { replicas: 1 } });
    const updated = await rawRequest(
      to,
      'PUT',
      `${path}/scaled/scale`,
      encodeObject({ ...scale, spec: { replicas: 3 } }),
      PB,
    );
    expect(updated.status).toBe(200);
    expect(decodeObject(updated.body)).toMatchObject({ spec: { replicas: 3 } });
    expect(await getJson(`${path}/scaled`)).toMatchObject({ spec: { replicas: 3 } });
  });

  it('keeps custom resources JSON-only: 415 for a protobuf body, 406 when only protobuf is accepted', async () => {
    const path = '/apis/example.com/v1/namespaces/default/widgets';
    const body = encodeObject({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } });
    const post = await rawRequest(to, 'POST', path, body, PB);
    expect(post.status).toBe(415);
    expect(post.headers['content-type']).toBe('application/json');
    const only = await rawRequest(to, 'GET', path, undefined, { accept: PROTOBUF_MEDIA_TYPE });
    expect(only.status).toBe(406);
    expect(decodeObject(only.body)).toMatchObject({ reason: 'NotAcceptable', code: 406 });
    const either = await rawRequest(to, 'GET', path, undefined, PB);
    expect(either.status).toBe(200);
    expect(either.headers['content-type']).toBe('application/json');
  });

  it('frames a protobuf watch: 4-byte length, WatchEvent with the enveloped object', async () => {
    const reply = await rawRequest(to, 'GET', '/api/v1/namespaces?watch=1&timeoutSeconds=1', undefined, {
      accept: `${PROTOBUF_MEDIA_TYPE};stream=watch`,
    });
    expect(reply.headers['content-type']).toBe(`${PROTOBUF_MEDIA_TYPE};stream=watch`);
    const watchEvent = kubeProto().root.lookupType('k8s.io.apimachinery.pkg.apis.meta.v1.WatchEvent');
    const names: string[] = [];
    for (let at = 0; at < reply.body.length; ) {
      const size = reply.body.readUInt32BE(at);
      const event = watchEvent.decode(reply.body.subarray(at + 4, at + 4 + size)) as unknown as {
        type: string;
        object: { raw: Uint8Array };
      };
      expect(event.type).toBe('ADDED');
      const ns = decodeObject(event.object.raw) as { kind: string; metadata: { name: string } };
      expect(ns.kind).toBe('Namespace');
      names.push(ns.metadata.name);
      at += 4 + size;
    }
    expect(names).toContain('default');
  });
});
