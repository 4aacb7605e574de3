import { describe, expect, it } from 'vitest';
import { create, expectOk, expectStatus, type SuiteRef } from '../suite.js';

const svcPath = (ns: string, name?: string) => `/api/v1/namespaces/${ns}/services${name ? `/${name}` : ''}`;

function service(name: string, spec: Record<string, unknown> = {}) {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name },
    spec: { selector: { app: name }, ports: [{ name: 'http', port: 80 }], ...spec },
  };
}

const IPV4 = /^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}$/;

export function serviceCases(s: SuiteRef): void {
  describe('services', () => {
    it('allocates a cluster IP and defaults ports and IP families', async () => {
      const { client, ns, name } = s();
      const svc = await create(client, svcPath(ns), service(name('svc')));
      expect(svc.spec.clusterIP).toMatch(IPV4);
      expect(svc.spec.clusterIPs).toEqual([svc.spec.clusterIP]);
      expect(svc.spec).toMatchObject({
        type: 'ClusterIP',
        ipFamilies: ['IPv4'],
        ipFamilyPolicy: 'SingleStack',
        sessionAffinity: 'None',
      });
      expect(svc.spec.ports[0]).toMatchObject({ port: 80, protocol: 'TCP', targetPort: 80 });
    });

    it('keeps the cluster IP on an update that omits it, and rejects changing it with 422', async () => {
      const { client, ns, name } = s();
      const n = name('imm');
      const svc = await create(client, svcPath(ns), service(n));
      const { clusterIP: _ip, clusterIPs: _ips, ...specWithoutIP } = svc.spec;
      const kept = await client.put(svcPath(ns, n), { ...svc, spec: specWithoutIP });
      expectOk(kept);
      expect(kept.json.spec.clusterIP).toBe(svc.spec.clusterIP);
      const parts = svc.spec.clusterIP.split('.');
      const other = `${parts.slice(0, 3).join('.')}.${(Number(parts[3]) % 200) + 20}`;
      const changed = await client.put(svcPath(ns, n), {
        ...kept.json,
        spec: { ...kept.json.spec, clusterIP: other, clusterIPs: [other] },
      });
      expectStatus(changed, 422, 'Invalid');
      expect(
        changed.json.details.causes.some((c: { field: string }) => c.field.startsWith('spec.clusterIP')),
      ).toBe(true);
    });

    it('keeps headless services headless', async () => {
      const { client, ns, name } = s();
      const svc = await create(client, svcPath(ns), service(name('headless'), { clusterIP: 'None' }));
      expect(svc.spec.clusterIP).toBe('None');
    });

    it('allocates node ports in 30000-32767 and rejects a port already in use (422)', async () => {
      const { client, ns, name } = s();
      const svc = await create(client, svcPath(ns), service(name('np'), { type: 'NodePort' }));
      const port = svc.spec.ports[0].nodePort;
      expect(port).toBeGreaterThanOrEqual(30000);
      expect(port).toBeLessThanOrEqual(32767);
      const dup = await client.post(
        svcPath(ns),
        service(name('np2'), { type: 'NodePort', ports: [{ name: 'http', port: 80, nodePort: port }] }),
      );
      expectStatus(dup, 422, 'Invalid');
    });

    it('rejects a service name that is not a DNS-1035 label (422)', async () => {
      const { client, ns } = s();
      expectStatus(await client.post(svcPath(ns), service('1-starts-with-digit')), 422, 'Invalid');
    });
  });
}
