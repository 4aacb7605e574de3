import { CoreV1Api, KubernetesObjectApi, PatchStrategy } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { cmPath, create, expectOk, type SuiteRef } from '../suite.js';

export function clientCases(s: SuiteRef): void {
  describe('unmodified client-node APIs and access reviews', () => {
    it('CoreV1Api creates, reads and lists ConfigMaps', async () => {
      const { client, ns, name } = s();
      const api = client.kc.makeApiClient(CoreV1Api);
      const n = name('typed');
      await api.createNamespacedConfigMap({
        namespace: ns,
        body: { metadata: { name: n }, data: { k: 'v' } },
      });
      const read = await api.readNamespacedConfigMap({ namespace: ns, name: n });
      expect(read.data).toEqual({ k: 'v' });
      const list = await api.listNamespacedConfigMap({ namespace: ns, fieldSelector: `metadata.name=${n}` });
      expect(list.items.map((i) => i.metadata?.name)).toEqual([n]);
    });

    it('KubernetesObjectApi creates, server-side applies and deletes', async () => {
      const { client, ns, name } = s();
      const api = KubernetesObjectApi.makeApiClient(client.kc);
      const n = name('objapi');
      const spec = {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: n, namespace: ns },
        data: { a: '1' },
      };
      await api.create(spec);
      const patched = await api.patch(
        { ...spec, data: { a: '2' } },
        undefined,
        undefined,
        'objapi',
        true,
        PatchStrategy.ServerSideApply,
      );
      expect((patched as { data?: Record<string, string> }).data).toEqual({ a: '2' });
      await api.delete(spec);
      expect((await client.get(cmPath(ns, n))).status).toBe(404);
    });

    it('answers SelfSubjectAccessReview for an allowed request', async () => {
      const { client, ns } = s();
      const res = await client.post('/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', {
        apiVersion: 'authorization.k8s.io/v1',
        kind: 'SelfSubjectAccessReview',
        spec: { resourceAttributes: { namespace: ns, verb: 'list', resource: 'configmaps' } },
      });
      expect(res.status).toBe(201);
      expect(res.json).toMatchObject({ kind: 'SelfSubjectAccessReview', status: { allowed: true } });
    });

    it('serves Leases, RBAC and networking objects', async () => {
      const { client, ns, name } = s();
      await create(client, `/apis/coordination.k8s.io/v1/namespaces/${ns}/leases`, {
        apiVersion: 'coordination.k8s.io/v1',
        kind: 'Lease',
        metadata: { name: name('lease') },
        spec: { holderIdentity: 'me', leaseDurationSeconds: 15 },
      });
      await create(client, `/apis/rbac.authorization.k8s.io/v1/namespaces/${ns}/roles`, {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'Role',
        metadata: { name: name('role') },
        rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get'] }],
      });
      const np = await client.post(`/apis/networking.k8s.io/v1/namespaces/${ns}/networkpolicies`, {
        apiVersion: 'networking.k8s.io/v1',
        kind: 'NetworkPolicy',
        metadata: { name: name('np') },
        spec: { podSelector: {}, policyTypes: ['Ingress'] },
      });
      expectOk(np, 201);
    });
  });
}
