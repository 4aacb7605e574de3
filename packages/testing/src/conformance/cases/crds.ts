import { randomBytes } from 'node:crypto';
import { expect, it } from 'vitest';
import type { RawClient } from '../client.js';
import { eventually } from '../client.js';
import { describeGroups } from '../groups.js';
import { create, expectOk, expectStatus, type SuiteRef, withMetadata } from '../suite.js';
import { preservingCrd } from './crd-object.js';

async function establish(client: RawClient, group: string, plural: string): Promise<void> {
  await eventually(
    async () => {
      const res = await client.get(
        `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${plural}.${group}`,
      );
      return res.json?.status?.conditions?.some(
        (c: { type: string; status: string }) => c.type === 'Established' && c.status === 'True',
      );
    },
    30_000,
    'CRD established',
  );
  await eventually(
    async () => {
      const res = await client.get(`/apis/${group}/v1`);
      return res.status === 200 && res.json.resources.some((r: { name: string }) => r.name === plural);
    },
    30_000,
    'CRD resource in discovery',
  );
}

/** Creates a CRD in a fresh group and waits until it is established and served; resolves with the group. */
async function createCrd(client: RawClient, plural: string, kind: string, status: boolean): Promise<string> {
  const group = `c${randomBytes(3).toString('hex')}.conformance.example.com`;
  await create(
    client,
    '/apis/apiextensions.k8s.io/v1/customresourcedefinitions',
    preservingCrd(group, plural, kind, { status }),
  );
  await establish(client, group, plural);
  return group;
}

/** A custom object of `kind` in the CRD's group, version v1. */
function custom(group: string, kind: string, name: string, fields: Record<string, unknown>) {
  return { apiVersion: `${group}/v1`, kind, metadata: { name }, ...fields };
}

function crdStatusSubresourceCases(s: SuiteRef): void {
  it('serves a CRD resource with a status subresource, generation and no strategic merge', async () => {
    const { client, ns } = s();
    const group = await createCrd(client, 'widgets', 'Widget', true);
    const disco = await client.get(`/apis/${group}/v1`);
    expect(disco.json.resources.map((r: { name: string }) => r.name)).toEqual(
      expect.arrayContaining(['widgets', 'widgets/status']),
    );
    const base = `/apis/${group}/v1/namespaces/${ns}/widgets`;
    const w = await create(
      client,
      base,
      custom(group, 'Widget', 'w1', { spec: { size: 1 }, status: { ready: true } }),
    );
    expect(w).toMatchObject({
      apiVersion: `${group}/v1`,
      kind: 'Widget',
      metadata: { generation: 1 },
      spec: { size: 1 },
    });
    expect(w.status).toBeUndefined();
    const st = await client.put(`${base}/w1/status`, { ...w, spec: { size: 99 }, status: { ready: true } });
    expectOk(st);
    expect(st.json.status).toEqual({ ready: true });
    expect(st.json.spec).toEqual({ size: 1 });
    expect(st.json.metadata.generation).toBe(1);
    const main = await client.put(`${base}/w1`, {
      ...st.json,
      spec: { size: 2 },
      status: { ready: false },
    });
    expectOk(main);
    expect(main.json.metadata.generation).toBe(2);
    expect(main.json.status).toEqual({ ready: true });
    const list = await client.get(base);
    expect(list.json).toMatchObject({ kind: 'WidgetList', apiVersion: `${group}/v1` });
    expect(list.json.items[0]).toMatchObject({ kind: 'Widget', apiVersion: `${group}/v1` });
    expectStatus(
      await client.patch(`${base}/w1`, 'application/strategic-merge-patch+json', { spec: { size: 3 } }),
      415,
      'UnsupportedMediaType',
    );
    const merged = await client.patch(`${base}/w1`, 'application/merge-patch+json', { spec: { size: 3 } });
    expectOk(merged);
    expect(merged.json.metadata.generation).toBe(3);
    expectOk(await client.delete(`/apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets.${group}`));
    await eventually(async () => (await client.get(base)).status === 404, 30_000, 'CR endpoint removed');
  });
}

function crdGenerationCases(s: SuiteRef): void {
  it('bumps generation on any non-metadata change without a status subresource', async () => {
    const { client, ns } = s();
    const group = await createCrd(client, 'gadgets', 'Gadget', false);
    const base = `/apis/${group}/v1/namespaces/${ns}/gadgets`;
    const g = await create(client, base, custom(group, 'Gadget', 'g1', { spec: { a: 1 }, status: { b: 1 } }));
    expect(g.status).toEqual({ b: 1 });
    const labelled = await client.put(`${base}/g1`, withMetadata(g, { labels: { l: 'v' } }));
    expect(labelled.json.metadata.generation).toBe(1);
    const statusChange = await client.put(`${base}/g1`, { ...labelled.json, status: { b: 2 } });
    expect(statusChange.json.metadata.generation).toBe(2);
    expectStatus(await client.get(`${base}/g1/status`), 404, 'NotFound');
    await client.delete(`/apis/apiextensions.k8s.io/v1/customresourcedefinitions/gadgets.${group}`);
  });
}

export function crdCases(s: SuiteRef): void {
  describeGroups('custom resources', s, [crdStatusSubresourceCases, crdGenerationCases]);
}
