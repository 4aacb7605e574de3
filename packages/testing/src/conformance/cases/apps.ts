import { describe, expect, it } from 'vitest';
import { create, deployment, deployPath, expectOk, expectStatus, type SuiteRef } from '../suite.js';

const MERGE = 'application/merge-patch+json';

const appsPath = (resource: string, ns: string, name?: string) =>
  `/apis/apps/v1/namespaces/${ns}/${resource}${name ? `/${name}` : ''}`;

/** A Deployment body re-kinded: ReplicaSet and DaemonSet take the same selector and template. */
function workload(kind: 'ReplicaSet' | 'DaemonSet', name: string) {
  const { spec, ...rest } = deployment(name);
  const { replicas: _replicas, ...withoutReplicas } = spec;
  return { ...rest, kind, spec: kind === 'DaemonSet' ? withoutReplicas : spec };
}

// biome-ignore lint/suspicious/noExplicitAny: raw JSON read by assertions
const causes = (res: { json: any }) => res.json?.details?.causes ?? [];

export function appsCases(s: SuiteRef): void {
  describe('apps/v1: generation on metadata changes, status validation', () => {
    it('a Deployment annotation change bumps generation; labels, a repeat and /status do not', async () => {
      const { client, ns, name } = s();
      const n = name('anno');
      const d = await create(client, deployPath(ns), deployment(n));
      expect(d.metadata.generation).toBe(1);
      // The request our status sync makes: a merge patch of one annotation with a resourceVersion precondition.
      const annotate = () =>
        client.patch(deployPath(ns, n), MERGE, {
          metadata: { annotations: { 'experimental.status.workload.kcp.io/abc': '{"replicas":1}' } },
        });
      const first = await annotate();
      expectOk(first);
      expect(first.json.metadata.generation).toBe(2);
      const repeat = await annotate();
      expectOk(repeat);
      expect(repeat.json.metadata.generation).toBe(2);
      const labels = await client.patch(deployPath(ns, n), MERGE, { metadata: { labels: { extra: 'x' } } });
      expect(labels.json.metadata.generation).toBe(2);
      const status = await client.patch(`${deployPath(ns, n)}/status`, MERGE, {
        status: { replicas: 1, readyReplicas: 1, availableReplicas: 1 },
      });
      expectOk(status);
      expect(status.json.metadata.generation).toBe(2);
      const removed = await client.patch(deployPath(ns, n), MERGE, {
        metadata: { annotations: { 'experimental.status.workload.kcp.io/abc': null } },
      });
      expect(removed.json.metadata.generation).toBe(3);
    });

    it('ReplicaSet and DaemonSet annotation changes leave generation alone', async () => {
      const { client, ns, name } = s();
      for (const [kind, resource] of [
        ['ReplicaSet', 'replicasets'],
        ['DaemonSet', 'daemonsets'],
      ] as const) {
        const n = name(resource.slice(0, 3));
        const created = await create(client, appsPath(resource, ns), workload(kind, n));
        expect(created.metadata.generation).toBe(1);
        const res = await client.patch(appsPath(resource, ns, n), MERGE, {
          metadata: { annotations: { note: 'changed' } },
        });
        expectOk(res);
        expect({ kind, generation: res.json.metadata.generation }).toEqual({ kind, generation: 1 });
      }
    });

    it('a Deployment status with more ready (or available) than total replicas is 422', async () => {
      const { client, ns, name } = s();
      const n = name('ready');
      await create(client, deployPath(ns), deployment(n, 8));
      const status = `${deployPath(ns, n)}/status`;
      const tooReady = await client.patch(status, MERGE, { status: { replicas: 4, readyReplicas: 8 } });
      expectFieldInvalid(
        tooReady,
        'status.readyReplicas',
        'Invalid value: 8: cannot be greater than status.replicas',
      );
      const tooAvailable = await client.patch(status, MERGE, {
        status: { replicas: 4, readyReplicas: 2, availableReplicas: 3 },
      });
      expectFieldInvalid(
        tooAvailable,
        'status.availableReplicas',
        'Invalid value: 3: cannot be greater than readyReplicas',
      );
      const ok = await client.patch(status, MERGE, {
        status: { replicas: 8, readyReplicas: 8, availableReplicas: 8, updatedReplicas: 8 },
      });
      expectOk(ok);
      expect(ok.json.status).toMatchObject({ replicas: 8, readyReplicas: 8 });
    });
  });
}

/** A 422 Invalid naming the field with a FieldValueInvalid cause. */
function expectFieldInvalid(res: Parameters<typeof expectStatus>[0], field: string, message: string): void {
  expectStatus(res, 422, 'Invalid');
  expect(causes(res)).toContainEqual({ reason: 'FieldValueInvalid', field, message });
}
