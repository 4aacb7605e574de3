import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, RawClient } from '../conformance/client.js';
import { type KubeSimulator, startKubeSimulator } from '../simulator.js';
import { acceptedResources, acceptResources, kcpStateLabel, placeNamespace } from './placement.js';
import { syncTargetKey } from './synctarget-key.js';

const ORG = 'root:org';
const key = syncTargetKey(ORG, 'east');

describe('placement helpers', () => {
  let sim: KubeSimulator;
  let client: RawClient;
  const kcp = (method: string, path: string, body?: unknown) =>
    client.request(method, `/clusters/${ORG}${path}`, { body }, sim.url);

  beforeAll(async () => {
    sim = await startKubeSimulator({ token: 't', kcp: { clusters: [ORG] } });
    client = new RawClient(sim.kubeconfig);
  });
  afterAll(() => sim.stop());

  it('reads group/version/resource texts as Accepted synced resources', () => {
    expect(acceptedResources(['apps/v1/deployments', 'v1/services'])).toEqual([
      { group: 'apps', resource: 'deployments', versions: ['v1'], state: 'Accepted' },
      { group: '', resource: 'services', versions: ['v1'], state: 'Accepted' },
    ]);
    expect(() => acceptedResources(['deployments'])).toThrow(/not group\/version\/resource/);
  });

  it('places a new and an existing namespace, whose contents then follow', async () => {
    await placeNamespace(sim, ORG, 'fresh', key);
    expect(
      (await kcp('POST', '/api/v1/namespaces', { metadata: { name: 'old', labels: { a: 'b' } } })).status,
    ).toBe(201);
    const cm = await kcp('POST', '/api/v1/namespaces/old/configmaps', { metadata: { name: 'c' } });
    expect(cm.status, cm.text).toBe(201);
    await placeNamespace(sim, ORG, 'old', key);
    expect((await kcp('GET', '/api/v1/namespaces/fresh')).json.metadata.labels[kcpStateLabel(key)]).toBe(
      'Sync',
    );
    expect((await kcp('GET', '/api/v1/namespaces/old')).json.metadata.labels).toMatchObject({
      a: 'b',
      [kcpStateLabel(key)]: 'Sync',
    });
    await eventually(
      async () =>
        (await kcp('GET', '/api/v1/namespaces/old/configmaps/c')).json.metadata.labels?.[kcpStateLabel(key)],
      10_000,
      'the ConfigMap labelled by the resource controller',
    );
  });

  it("makes the SyncTarget's virtual workspace serve the accepted resources", async () => {
    const st = await kcp('POST', '/apis/workload.kcp.io/v1alpha1/synctargets', {
      apiVersion: 'workload.kcp.io/v1alpha1',
      kind: 'SyncTarget',
      metadata: { name: 'east' },
    });
    expect(st.status, st.text).toBe(201);
    const syncerURL = await eventually(async () => {
      const got = await kcp('GET', '/apis/workload.kcp.io/v1alpha1/synctargets/east');
      return got.json?.status?.virtualWorkspaces?.[0]?.syncerURL as string | undefined;
    });
    const deployments = `/clusters/*/apis/apps/v1/deployments`;
    expect((await client.request('GET', deployments, {}, syncerURL)).status).toBe(404);
    const accepted = await acceptResources(sim, ORG, 'east', ['apps/v1/deployments']);
    expect((accepted.status as { syncedResources: unknown[] }).syncedResources).toHaveLength(1);
    expect((await client.request('GET', deployments, {}, syncerURL)).status).toBe(200);
  });
});
