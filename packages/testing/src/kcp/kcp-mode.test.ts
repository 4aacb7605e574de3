import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, RawClient } from '../conformance/client.js';
import { type KubeSimulator, startKubeSimulator } from '../simulator.js';
import { syncTargetKey } from './synctarget-key.js';

const ORG = 'root:org';
const ST_PATH = `/clusters/${ORG}/apis/workload.kcp.io/v1alpha1/synctargets`;

describe('kcp mode: several SyncTargets on one object', () => {
  let sim: KubeSimulator;
  let client: RawClient;
  const base = () => sim.url;
  const kcp = (method: string, path: string, body?: unknown, contentType?: string) =>
    client.request(method, `/clusters/${ORG}${path}`, { body, contentType }, base());
  const urls = new Map<string, string>();

  async function syncTarget(name: string): Promise<void> {
    const made = await client.request(
      'POST',
      ST_PATH,
      { body: { apiVersion: 'workload.kcp.io/v1alpha1', kind: 'SyncTarget', metadata: { name }, spec: {} } },
      base(),
    );
    expect(made.status, made.text).toBe(201);
    const url = await eventually(async () => {
      const got = await client.request('GET', `${ST_PATH}/${name}`, {}, base());
      const syncerURL = got.json?.status?.virtualWorkspaces?.[0]?.syncerURL as string | undefined;
      if (!syncerURL) return undefined;
      const synced = [{ group: 'apps', resource: 'deployments', versions: ['v1'], state: 'Accepted' }];
      const put = await client.request(
        'PUT',
        `${ST_PATH}/${name}/status`,
        { body: { ...got.json, status: { ...got.json.status, syncedResources: synced } } },
        base(),
      );
      return put.status === 200 ? syncerURL : undefined;
    });
    urls.set(name, url);
  }

  const key = (name: string) => syncTargetKey(ORG, name);
  const deploy = (ns: string) => `/clusters/${ORG}/apis/apps/v1/namespaces/${ns}/deployments/web`;
  const vw = (st: string, method: string, path: string, body?: unknown) =>
    client.request(method, path, { body }, urls.get(st)!);
  const annotationOf = async (ns: string, st: string) =>
    (await kcp('GET', `/apis/apps/v1/namespaces/${ns}/deployments/web`)).json.metadata.annotations[
      `diff.syncer.internal.kcp.io/${key(st)}`
    ];

  async function own(st: string, ns: string) {
    const view = await eventually(async () => {
      const got = await vw(st, 'GET', deploy(ns));
      return got.status === 200 ? got.json : undefined;
    });
    view.metadata.finalizers = [`workload.kcp.io/syncer-${key(st)}`];
    const put = await vw(st, 'PUT', deploy(ns), view);
    expect(put.status, put.text).toBe(200);
    return put.json;
  }

  beforeAll(async () => {
    sim = await startKubeSimulator({ token: 't', kcp: { clusters: [ORG] } });
    client = new RawClient(sim.kubeconfig);
    await syncTarget('east');
    await syncTarget('west');
  });
  afterAll(() => sim.stop());

  // pkg/virtual/syncer/transformations/transformer.go: with two SyncTargets each status stays in its own view
  // annotation; once one is released the other's status is promoted into .status.
  it('keeps status per SyncTarget while two hold the object and promotes it when one remains', async () => {
    const labels = {
      [`state.workload.kcp.io/${key('east')}`]: 'Sync',
      [`state.workload.kcp.io/${key('west')}`]: 'Sync',
    };
    expect(
      (
        await kcp('POST', '/api/v1/namespaces', {
          apiVersion: 'v1',
          kind: 'Namespace',
          metadata: { name: 'both', labels },
        })
      ).status,
    ).toBe(201);
    const body = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web' },
      spec: {
        selector: { matchLabels: { a: 'b' } },
        template: { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'c', image: 'i' }] } },
      },
    };
    expect((await kcp('POST', '/apis/apps/v1/namespaces/both/deployments', body)).status).toBe(201);
    const east = await own('east', 'both');
    await own('west', 'both');
    const eastStatus = await vw('east', 'PUT', `${deploy('both')}/status`, {
      ...east,
      metadata: {
        ...east.metadata,
        resourceVersion: (await vw('east', 'GET', deploy('both'))).json.metadata.resourceVersion,
      },
      status: { replicas: 2 },
    });
    expect(eastStatus.status, eastStatus.text).toBe(200);
    expect(eastStatus.json.status).toEqual({ replicas: 2 });
    expect((await kcp('GET', '/apis/apps/v1/namespaces/both/deployments/web')).json.status).toBeUndefined();
    expect(await annotationOf('both', 'east')).toBe('{"status":{"replicas":2}}');
    expect((await vw('west', 'GET', deploy('both'))).json.status).toBeUndefined();

    // The namespace leaves west: kcp asks west to delete (resource_reconcile.go), west releases the object.
    const ns = (await kcp('GET', '/api/v1/namespaces/both')).json;
    delete ns.metadata.labels[`state.workload.kcp.io/${key('west')}`];
    expect((await kcp('PUT', '/api/v1/namespaces/both', ns)).status).toBe(200);
    const deleting = await eventually(async () => {
      const got = await vw('west', 'GET', deploy('both'));
      return got.json?.metadata?.deletionTimestamp ? got.json : undefined;
    });
    const release = await vw('west', 'PUT', deploy('both'), {
      ...deleting,
      metadata: { ...deleting.metadata, finalizers: [] },
    });
    expect(release.status, release.text).toBe(200);
    const stored = (await kcp('GET', '/apis/apps/v1/namespaces/both/deployments/web')).json;
    expect(stored.status).toEqual({ replicas: 2 });
    expect(stored.metadata.annotations[`diff.syncer.internal.kcp.io/${key('east')}`]).toBe(
      '{"status":"##promoted##"}',
    );
    expect(stored.metadata.labels[`state.workload.kcp.io/${key('west')}`]).toBeUndefined();
    expect(stored.metadata.finalizers).toEqual([`workload.kcp.io/syncer-${key('east')}`]);
  });

  // Server-side apply through the virtual workspace works on the view; the write is rebuilt from the stored object.
  it('rebuilds a server-side apply through the virtual workspace from the stored object', async () => {
    const apply = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', labels: { applied: 'yes' } },
      spec: { replicas: 7 },
    };
    const res = await client.request(
      'PATCH',
      deploy('both'),
      {
        rawBody: JSON.stringify(apply),
        contentType: 'application/apply-patch+yaml',
        query: { fieldManager: 'syncer', force: true },
      },
      urls.get('east')!,
    );
    expect(res.status, res.text).toBe(200);
    const stored = (await kcp('GET', '/apis/apps/v1/namespaces/both/deployments/web')).json;
    expect(stored.spec.replicas).toBe(1);
    expect(stored.metadata.labels.applied).toBeUndefined();
  });

  // pkg/reconciler/workload/resource/resource_reconcile.go drops syncer finalizers of SyncTargets that are gone.
  it('removes the syncer finalizer of a deleted SyncTarget', async () => {
    expect((await client.request('DELETE', `${ST_PATH}/east`, {}, base())).status).toBe(200);
    await eventually(
      async () => {
        const got = (await kcp('GET', '/apis/apps/v1/namespaces/both/deployments/web')).json;
        return (got.metadata.finalizers ?? []).length === 0;
      },
      10_000,
      'the finalizer of the deleted SyncTarget removed',
    );
  });

  // heartbeat_manager.go: Ready summarises SyncerReady too; a False with severity Error outranks a healthy heartbeat.
  it('summarises a SyncerReady the syncer reports into Ready', async () => {
    const st = (await client.request('GET', `${ST_PATH}/west`, {}, base())).json;
    const now = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
    const conditions = [
      ...st.status.conditions,
      {
        type: 'SyncerReady',
        status: 'False',
        severity: 'Error',
        reason: 'Broken',
        message: 'cannot reach',
        lastTransitionTime: now,
      },
    ];
    const put = await client.request(
      'PUT',
      `${ST_PATH}/west/status`,
      { body: { ...st, status: { ...st.status, lastSyncerHeartbeatTime: now, conditions } } },
      base(),
    );
    expect(put.status, put.text).toBe(200);
    const ready = await eventually(async () => {
      const got = (await client.request('GET', `${ST_PATH}/west`, {}, base())).json;
      const r = got.status.conditions.find((c: { type: string }) => c.type === 'Ready');
      return r?.status === 'False' ? r : undefined;
    });
    expect(ready).toMatchObject({ reason: 'Broken', severity: 'Error', message: 'cannot reach' });
  });
});
