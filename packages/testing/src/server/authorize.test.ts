import { KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RawClient } from '../conformance/client.js';
import { type KubeSimulator, startKubeSimulator } from '../simulator.js';
import type { AccessRules } from './access-review.js';

const ST = '/clusters/root:org/apis/workload.kcp.io/v1alpha1/synctargets';

// kcp's generated syncer ClusterRole (kcp v0.11: pkg/cliplugins/workload/plugin/sync.go): get/list/watch on
// the one SyncTarget by resourceNames; everything else about synctargets denied.
const KCP_SYNCER_ROLE: AccessRules = {
  enforce: true,
  user: 'system:serviceaccount:default:kcp-syncer-phys',
  rules: [
    {
      verbs: ['get', 'list', 'watch'],
      groups: ['workload.kcp.io'],
      resources: ['synctargets'],
      names: ['phys'],
      allowed: true,
    },
    { groups: ['workload.kcp.io'], resources: ['synctargets'], allowed: false },
  ],
};

describe('enforced access rules (RBAC-like)', () => {
  let sim: KubeSimulator;
  let client: RawClient;
  beforeAll(async () => {
    sim = await startKubeSimulator({ kcp: { clusters: ['root:org'] } });
    const kc = new KubeConfig();
    kc.loadFromString(sim.kubeconfig);
    // The bare server: paths name their logical cluster.
    kc.setCurrentContext('base');
    client = new RawClient(kc);
    for (const name of ['phys', 'other']) {
      const created = await client.post(ST, {
        apiVersion: 'workload.kcp.io/v1alpha1',
        kind: 'SyncTarget',
        metadata: { name },
      });
      expect(created.status).toBe(201);
    }
    sim.setAccessRules(KCP_SYNCER_ROLE);
  });
  afterAll(() => sim.stop());

  it('admits a get by the granted name and a list selecting it by metadata.name', async () => {
    expect((await client.get(`${ST}/phys`)).status).toBe(200);
    const list = await client.get(ST, { fieldSelector: 'metadata.name=phys' });
    expect(list.status).toBe(200);
    expect((list.json.items as Array<{ metadata: { name: string } }>).map((i) => i.metadata.name)).toEqual([
      'phys',
    ]);
  });

  it('denies an unselected list, another name and a write with 403 and kube-apiserver wording', async () => {
    const list = await client.get(ST);
    expect(list.status).toBe(403);
    expect(list.json).toMatchObject({
      reason: 'Forbidden',
      message:
        'synctargets.workload.kcp.io is forbidden: User "system:serviceaccount:default:kcp-syncer-phys" cannot list resource "synctargets" in API group "workload.kcp.io" at the cluster scope',
    });
    const other = await client.get(ST, { fieldSelector: 'metadata.name=other' });
    expect(other.status).toBe(403);
    expect(other.json.message).toContain('synctargets.workload.kcp.io "other" is forbidden');
    expect((await client.get(`${ST}/other`)).status).toBe(403);
  });

  it('admits a watch selecting the granted name and denies one that does not', async () => {
    const allowed = await client.watch(ST, { fieldSelector: 'metadata.name=phys', resourceVersion: '0' });
    try {
      const first = await allowed.waitFor((e) => e.type === 'ADDED');
      expect(first.object).toMatchObject({ metadata: { name: 'phys' } });
      expect(allowed.events.map((e) => e.object.metadata.name)).toEqual(['phys']);
    } finally {
      allowed.abort();
    }
    await expect(client.watch(ST)).rejects.toMatchObject({ status: 403 });
  });
});
