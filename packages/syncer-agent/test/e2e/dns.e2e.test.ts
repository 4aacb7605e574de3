// `syncer-agent dns start` as the DNS Deployment the agent creates runs it (kcp: `syncer dns start`), as a
// process: the nsmap ConfigMap from the Kubernetes API simulator, a fake cluster DNS on loopback, real queries.
import { startKubeSimulator } from '@kcp-tmc/testing';
import { describe, expect, it } from 'vitest';
import { aRecords, FakeClusterDns, lookup, servingPort } from './dns-support.js';
import { CLI_BUILT, spawnAgent, waitFor } from './support.js';

const NS = 'kcp-syncer-edge-1234abcd';
const CM = 'kcp-dns-edge-1234abcd-0a1b2c3d';

describe.skipIf(!CLI_BUILT)('syncer-agent dns start (process)', () => {
  it('answers a Service by its workspace namespace over UDP and TCP, forwards the rest, exits 0 on SIGTERM', async () => {
    const sim = await startKubeSimulator();
    const clusterDns = new FakeClusterDns()
      .a('web.kcp-1a2b3c4d5e6f.svc.cluster.local', '10.96.7.7')
      .a('example.com', '93.184.216.34');
    const upstream = await clusterDns.start();
    try {
      const post = (path: string, body: unknown) =>
        fetch(`${sim.url}${path}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });
      expect(
        (await post('/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } }))
          .status,
      ).toBe(201);
      const cm = {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: CM, namespace: NS },
        data: { demo: 'kcp-1a2b3c4d5e6f' },
      };
      expect((await post(`/api/v1/namespaces/${NS}/configmaps`, cm)).status).toBe(201);

      const server = spawnAgent(
        [
          'dns',
          'start',
          '--configmap-name',
          CM,
          `--kubeconfig=${sim.kubeconfigPath}`,
          '--listen-address=127.0.0.1:0',
          `--upstream=${upstream.host}:${upstream.port}`,
        ],
        { NAMESPACE: NS },
      );
      let port = 0;
      await waitFor(() => {
        port = servingPort(server.stderr());
        return port !== 0 || server.child.exitCode !== null;
      }, 'the nameserver to serve');
      expect(port, server.stderr()).toBeGreaterThan(0);
      const address = { host: '127.0.0.1', port };

      for (const transport of ['udp', 'tcp'] as const) {
        const answer = await lookup(address, 'web.demo.svc.cluster.local', transport);
        expect(answer.rcode).toBe('NOERROR');
        expect(answer.questions?.[0]?.name).toBe('web.demo.svc.cluster.local');
        expect(aRecords(answer)).toEqual(['web.demo.svc.cluster.local 10.96.7.7']);
      }
      expect(aRecords(await lookup(address, 'example.com'))).toEqual(['example.com 93.184.216.34']);
      expect(clusterDns.asked).toEqual([
        'web.kcp-1a2b3c4d5e6f.svc.cluster.local',
        'web.kcp-1a2b3c4d5e6f.svc.cluster.local',
        'example.com',
      ]);

      server.child.kill('SIGTERM');
      expect((await server.exited).code).toBe(0);
    } finally {
      await clusterDns.stop();
      await sim.stop();
    }
  });

  it('exits 2 without --configmap-name, or without NAMESPACE', async () => {
    const noName = spawnAgent(['dns', 'start', '--upstream=127.0.0.1']);
    expect((await noName.exited).code).toBe(2);
    expect(noName.stderr()).toContain('--configmap-name: is required');
    const noNamespace = spawnAgent(['dns', 'start', '--configmap-name=x', '--upstream=127.0.0.1'], {
      NAMESPACE: '',
    });
    expect((await noNamespace.exited).code).toBe(2);
    expect(noNamespace.stderr()).toContain('NAMESPACE');
  });
});
