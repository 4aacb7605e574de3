import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openCrd } from '../../kit/open-crd.js';
import { type KubeSimulator, startKubeSimulator } from '../../simulator.js';

const TABLE_V1 =
  'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json';

interface Table {
  kind: string;
  apiVersion: string;
  metadata: Record<string, unknown>;
  columnDefinitions: { name: string; priority: number; type: string }[] | null;
  rows: { cells: unknown[]; object: Record<string, unknown> | null }[] | null;
}

describe('server-side printing (as=Table)', () => {
  let sim: KubeSimulator;
  const send = async (method: string, path: string, body?: unknown, accept = 'application/json') => {
    const init: RequestInit = { method, headers: { accept, 'content-type': 'application/json' } };
    if (body !== undefined) init.body = JSON.stringify(body);
    const res = await fetch(`${sim.url}${path}`, init);
    return { status: res.status, json: (await res.json()) as Record<string, unknown> };
  };
  const table = async (path: string, accept = TABLE_V1) =>
    (await send('GET', path, undefined, accept)).json as unknown as Table;

  beforeAll(async () => {
    sim = await startKubeSimulator({ controllers: { podReadyDelayMs: 0 } });
  });
  afterAll(() => sim.stop());

  it('prints Pods with kube-apiserver columns, priorities and PartialObjectMetadata rows', async () => {
    await send('POST', '/api/v1/namespaces/default/pods', {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p1' },
      spec: { containers: [{ name: 'c', image: 'busybox' }] },
    });
    const deadline = Date.now() + 10_000;
    let t = await table('/api/v1/namespaces/default/pods');
    // The fake kubelet starts the pod: READY and STATUS follow its containerStatuses.
    while (t.rows?.[0]?.cells[2] !== 'Running' && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
      t = await table('/api/v1/namespaces/default/pods');
    }
    expect(t.kind).toBe('Table');
    expect(t.apiVersion).toBe('meta.k8s.io/v1');
    expect(t.columnDefinitions?.map((c) => [c.name, c.priority])).toEqual([
      ['Name', 0],
      ['Ready', 0],
      ['Status', 0],
      ['Restarts', 0],
      ['Age', 0],
      ['IP', 1],
      ['Node', 1],
      ['Nominated Node', 1],
      ['Readiness Gates', 1],
    ]);
    const row = t.rows?.find((r) => r.cells[0] === 'p1');
    expect(row?.cells.slice(1, 4)).toEqual(['1/1', 'Running', '0']);
    expect(row?.cells[5]).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    expect(row?.object).toMatchObject({ kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1' });
    expect(row?.object?.metadata).toMatchObject({ name: 'p1' });
  });

  it('prints Deployments READY/UP-TO-DATE/AVAILABLE and the wide columns, v1beta1 and includeObject', async () => {
    await send('POST', '/apis/apps/v1/namespaces/default/deployments', {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web' },
      spec: {
        replicas: 2,
        selector: { matchLabels: { app: 'web' } },
        template: {
          metadata: { labels: { app: 'web' } },
          spec: { containers: [{ name: 'n', image: 'nginx' }] },
        },
      },
    });
    const deadline = Date.now() + 10_000;
    let t = await table('/apis/apps/v1/namespaces/default/deployments/web');
    while (t.rows?.[0]?.cells[1] !== '2/2' && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
      t = await table('/apis/apps/v1/namespaces/default/deployments/web');
    }
    expect(t.columnDefinitions?.map((c) => c.name)).toEqual([
      'Name',
      'Ready',
      'Up-to-date',
      'Available',
      'Age',
      'Containers',
      'Images',
      'Selector',
    ]);
    expect(t.rows?.[0]?.cells.slice(0, 4)).toEqual(['web', '2/2', 2, 2]);
    expect(t.rows?.[0]?.cells.slice(5)).toEqual(['n', 'nginx', 'app=web']);
    const beta = await table(
      '/apis/apps/v1/namespaces/default/deployments?includeObject=Object',
      'application/json;as=Table;v=v1beta1;g=meta.k8s.io',
    );
    expect(beta.apiVersion).toBe('meta.k8s.io/v1beta1');
    expect(beta.rows?.[0]?.object).toMatchObject({ kind: 'Deployment', apiVersion: 'apps/v1' });
    const none = await table('/apis/apps/v1/namespaces/default/deployments?includeObject=None');
    expect(none.rows?.[0]?.object).toBeNull();
    const plain = await send('GET', '/apis/apps/v1/namespaces/default/deployments');
    expect(plain.json.kind).toBe('DeploymentList');
  });

  it('prints ConfigMaps, Services and Namespaces; roles use the default Created At convertor', async () => {
    await send('POST', '/api/v1/namespaces/default/configmaps', {
      metadata: { name: 'cfg' },
      data: { a: '1', b: '2' },
      binaryData: { c: 'AA==' },
    });
    expect((await table('/api/v1/namespaces/default/configmaps/cfg')).rows?.[0]?.cells.slice(0, 2)).toEqual([
      'cfg',
      3,
    ]);
    await send('POST', '/api/v1/namespaces/default/services', {
      metadata: { name: 'svc' },
      spec: { selector: { app: 'web' }, ports: [{ port: 80 }] },
    });
    const svc = (await table('/api/v1/namespaces/default/services/svc')).rows?.[0]?.cells ?? [];
    expect([svc[0], svc[1], svc[3], svc[4], svc[6]]).toEqual([
      'svc',
      'ClusterIP',
      '<none>',
      '80/TCP',
      'app=web',
    ]);
    expect((await table('/api/v1/namespaces/default')).rows?.[0]?.cells.slice(0, 2)).toEqual([
      'default',
      'Active',
    ]);
    const roles = await table('/apis/rbac.authorization.k8s.io/v1/namespaces/default/roles');
    expect(roles.columnDefinitions?.map((c) => [c.name, c.type])).toEqual([
      ['Name', 'string'],
      ['Created At', 'date'],
    ]);
    expect(roles.rows).toBeNull();
  });

  it("prints custom resources with their CRD's additionalPrinterColumns, or NAME and AGE", async () => {
    await send(
      'POST',
      '/apis/apiextensions.k8s.io/v1/customresourcedefinitions',
      openCrd({
        group: 'example.com',
        kind: 'Widget',
        versionFields: {
          additionalPrinterColumns: [
            { name: 'Size', type: 'integer', jsonPath: '.spec.size' },
            { name: 'Ready', type: 'string', jsonPath: '.status.conditions[?(@.type=="Ready")].status' },
            {
              name: 'Owner',
              type: 'string',
              jsonPath: ".metadata.labels['example\\.com/owner']",
              priority: 1,
            },
          ],
        },
      }),
    );
    const deadline = Date.now() + 5_000;
    let created = 0;
    while (created !== 201 && Date.now() < deadline) {
      created = (
        await send('POST', '/apis/example.com/v1/namespaces/default/widgets', {
          apiVersion: 'example.com/v1',
          kind: 'Widget',
          metadata: { name: 'w', labels: { 'example.com/owner': 'me' } },
          spec: { size: 3 },
          status: { conditions: [{ type: 'Ready', status: 'True' }] },
        })
      ).status;
    }
    const t = await table('/apis/example.com/v1/namespaces/default/widgets');
    expect(t.columnDefinitions?.map((c) => [c.name, c.type, c.priority])).toEqual([
      ['Name', 'string', 0],
      ['Size', 'integer', 0],
      ['Ready', 'string', 0],
      ['Owner', 'string', 1],
    ]);
    expect(t.rows?.[0]?.cells).toEqual(['w', 3, 'True', 'me']);
  });

  it('streams one-row Tables on watch, column definitions in the first event only', async () => {
    const ctrl = new AbortController();
    const res = await fetch(`${sim.url}/api/v1/namespaces/default/configmaps?watch=1`, {
      headers: { accept: TABLE_V1 },
      signal: ctrl.signal,
    });
    const reader = res.body!.getReader();
    let text = '';
    const deadline = Date.now() + 5_000;
    await send('POST', '/api/v1/namespaces/default/configmaps', { metadata: { name: 'second' } });
    while (text.split('\n').length < 3 && Date.now() < deadline) {
      const { value, done } = await reader.read();
      if (done) break;
      text += new TextDecoder().decode(value);
    }
    ctrl.abort();
    const events = text
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l) as { type: string; object: Table });
    expect(events[0]?.object.kind).toBe('Table');
    expect(events[0]?.object.columnDefinitions?.map((c) => c.name)).toEqual(['Name', 'Data', 'Age']);
    expect(events[1]?.object.columnDefinitions).toBeNull();
    expect(events.map((e) => e.object.rows?.[0]?.cells[0])).toEqual(
      expect.arrayContaining(['cfg', 'second']),
    );
  });
});
