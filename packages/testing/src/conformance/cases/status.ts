import { describe, expect, it } from 'vitest';
import { create, deployment, deployPath, expectOk, type SuiteRef, withMetadata } from '../suite.js';

export function statusCases(s: SuiteRef): void {
  describe('generation and the status subresource', () => {
    it('starts generation at 1 and clears status on create', async () => {
      const { client, ns, name } = s();
      const d = await create(client, deployPath(ns), { ...deployment(name('gen')), status: { replicas: 5 } });
      expect(d.metadata.generation).toBe(1);
      expect(d.status?.replicas).toBeUndefined();
    });

    it('bumps generation on spec changes only', async () => {
      const { client, ns, name } = s();
      const n = name('gen');
      const d = await create(client, deployPath(ns), deployment(n));
      const labels = await client.put(
        deployPath(ns, n),
        withMetadata(d, { labels: { ...d.metadata.labels, extra: 'x' } }),
      );
      expectOk(labels);
      expect(labels.json.metadata.generation).toBe(1);
      const spec = await client.put(deployPath(ns, n), {
        ...labels.json,
        spec: { ...labels.json.spec, replicas: 3 },
      });
      expectOk(spec);
      expect(spec.json.metadata.generation).toBe(2);
    });

    it('ignores status on the main resource and everything but status on /status', async () => {
      const { client, ns, name } = s();
      const n = name('split');
      const d = await create(client, deployPath(ns), deployment(n));
      const main = await client.put(deployPath(ns, n), { ...d, status: { observedGeneration: 7 } });
      expectOk(main);
      expect(main.json.status?.observedGeneration).toBeUndefined();
      const status = await client.put(`${deployPath(ns, n)}/status`, {
        ...main.json,
        metadata: { ...main.json.metadata, labels: { changed: 'yes' } },
        spec: { ...main.json.spec, replicas: 9 },
        status: { observedGeneration: 1, replicas: 0 },
      });
      expectOk(status);
      expect(status.json.status.observedGeneration).toBe(1);
      expect(status.json.spec.replicas).toBe(1);
      expect(status.json.metadata.labels).toEqual(d.metadata.labels);
      expect(status.json.metadata.generation).toBe(1);
      const got = await client.get(`${deployPath(ns, n)}/status`);
      expect(got.json.status.observedGeneration).toBe(1);
    });

    it('serves the scale subresource of a Deployment', async () => {
      const { client, ns, name } = s();
      const n = name('scale');
      await create(client, deployPath(ns), deployment(n, 2));
      const scale = await client.get(`${deployPath(ns, n)}/scale`);
      expectOk(scale);
      expect(scale.json).toMatchObject({
        kind: 'Scale',
        apiVersion: 'autoscaling/v1',
        spec: { replicas: 2 },
      });
      const put = await client.put(`${deployPath(ns, n)}/scale`, { ...scale.json, spec: { replicas: 4 } });
      expectOk(put);
      expect((await client.get(deployPath(ns, n))).json.spec.replicas).toBe(4);
    });
  });
}
