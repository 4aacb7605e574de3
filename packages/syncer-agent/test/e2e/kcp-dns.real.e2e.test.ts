// Issue 14's DNS acceptance on real kcp v0.11: a Deployment's pods resolve a Service of their workspace by its
// workspace name. No kubelet runs downstream, so the nameserver the agent's DNS Deployment would run is run here
// as a process (`syncer-agent dns start`, as that Deployment's container runs it) on loopback, with the DNS
// ServiceAccount's own token and the ConfigMap the agent created; the cluster DNS behind it is a fake that knows
// the physical Services' cluster IPs from the downstream API.
import { writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  buildKubeconfig,
  downstreamNamespace,
  type KcpWorld,
  startKcpWorld,
  whileRunning,
} from '@kcp-tmc/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aRecords, FakeClusterDns, lookup, servingPort } from './dns-support.js';
import { createApp, realKcpRuns } from './kcp-real-support.js';
import { type AgentProcess, spawnAgent, waitFor } from './support.js';

const canRun = await realKcpRuns('the real-kcp DNS suite');

interface Obj {
  metadata: { name: string };
  data?: Record<string, string>;
  spec?: Record<string, unknown>;
}

describe.runIf(canRun)('workspace DNS on real kcp', () => {
  let world: KcpWorld;
  let dir: string;
  const clusterDns = new FakeClusterDns();
  let nameserver: AgentProcess | undefined;
  let address: { host: string; port: number };
  let dnsName = '';

  const down = async (path: string): Promise<Obj | undefined> => {
    const answer = await world.down('GET', path);
    return answer.status === 200 ? (answer.body as Obj) : undefined;
  };
  const syncerNamespace = () => world.generated.syncerNamespace;
  /** The physical namespace of `namespace` and the cluster IP of its `web` Service, once synced down. */
  const physicalWeb = (namespace: string) =>
    whileRunning(
      () => world.syncer,
      (async () => {
        let found: { physical: string; ip: string } | undefined;
        await waitFor(
          async () => {
            const physical = await downstreamNamespace(world, namespace);
            const service = physical ? await down(`/api/v1/namespaces/${physical}/services/web`) : undefined;
            const ip = service?.spec?.clusterIP;
            found = physical && typeof ip === 'string' && ip !== '' ? { physical, ip } : undefined;
            return found !== undefined;
          },
          `Service web of ${namespace} synced down`,
          120_000,
        );
        return found as { physical: string; ip: string };
      })(),
    );

  beforeAll(async () => {
    world = await startKcpWorld('agent');
    dir = await mkdtemp(join(tmpdir(), 'kcp-dns-'));
    await createApp(world, 'demo');
    const demo = await physicalWeb('demo');
    clusterDns.a(`web.${demo.physical}.svc.cluster.local`, demo.ip);
    const upstream = await clusterDns.start();
    // The workspace's DNS objects, named as kcp names them (kcp-dns-<target>-<uid>-<workspace hash>).
    await waitFor(
      async () => {
        const list = await world.down('GET', `/api/v1/namespaces/${syncerNamespace()}/configmaps`);
        const items = (list.body as { items?: Obj[] }).items ?? [];
        dnsName = items.find((i) => i.metadata.name.startsWith('kcp-dns-'))?.metadata.name ?? '';
        return dnsName !== '';
      },
      'the DNS ConfigMap',
      60_000,
    );
    // The nameserver's credentials: its own ServiceAccount, with the Role the agent created (ConfigMap read only).
    const token = await world.down(
      'POST',
      `/api/v1/namespaces/${syncerNamespace()}/serviceaccounts/${dnsName}/token`,
      { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: { expirationSeconds: 3600 } },
    );
    expect(token.status).toBe(201);
    const kubeconfig = join(dir, 'dns.kubeconfig');
    writeFileSync(
      kubeconfig,
      buildKubeconfig({
        server: world.downstream.url,
        token: (token.body as { status: { token: string } }).status.token,
        caPem: world.downstream.caCertPem,
      }),
    );
    nameserver = spawnAgent(
      [
        'dns',
        'start',
        '--configmap-name',
        dnsName,
        `--kubeconfig=${kubeconfig}`,
        '--listen-address=127.0.0.1:0',
        `--upstream=${upstream.host}:${upstream.port}`,
      ],
      { NAMESPACE: syncerNamespace() },
    );
    let port = 0;
    await waitFor(() => {
      port = servingPort(nameserver?.stderr() ?? '');
      return port !== 0 || nameserver?.child.exitCode !== null;
    }, 'the nameserver to serve');
    expect(port, nameserver.stderr()).toBeGreaterThan(0);
    address = { host: '127.0.0.1', port };
  }, 600_000);

  afterAll(async () => {
    nameserver?.child.kill('SIGTERM');
    await nameserver?.exited;
    await clusterDns.stop();
    await world?.stop();
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  }, 60_000);

  it('points the Deployment’s pods at the workspace nameserver, searching the workspace namespace first', async () => {
    const { physical } = await physicalWeb('demo');
    const dnsService = await down(`/api/v1/namespaces/${syncerNamespace()}/services/${dnsName}`);
    const deployment = await down(`/apis/apps/v1/namespaces/${physical}/deployments/web`);
    const pod = (deployment?.spec?.template as { spec?: Record<string, unknown> } | undefined)?.spec;
    expect(pod?.dnsPolicy).toBe('None');
    expect(pod?.dnsConfig).toMatchObject({
      nameservers: [dnsService?.spec?.clusterIP],
      searches: ['demo.svc.cluster.local', 'svc.cluster.local', 'cluster.local'],
    });
    const configMap = await down(`/api/v1/namespaces/${syncerNamespace()}/configmaps/${dnsName}`);
    // Every namespace of the workspace the SyncTarget syncs (`default` is scheduled too).
    expect(configMap?.data).toMatchObject({ demo: physical });
  });

  it.each(['udp', 'tcp'] as const)(
    'answers web.demo.svc.cluster.local (the name a pod’s search path makes of "web") with the physical Service (%s)',
    async (transport) => {
      const { physical, ip } = await physicalWeb('demo');
      const answer = await lookup(address, 'web.demo.svc.cluster.local', transport);
      expect(answer.rcode).toBe('NOERROR');
      expect(answer.questions?.[0]?.name).toBe('web.demo.svc.cluster.local');
      expect(aRecords(answer)).toEqual([`web.demo.svc.cluster.local ${ip}`]);
      expect(clusterDns.asked.at(-1)).toBe(`web.${physical}.svc.cluster.local`);
    },
  );

  it('follows the ConfigMap as the agent maps a new namespace of the workspace', async () => {
    await createApp(world, 'shop');
    const shop = await physicalWeb('shop');
    clusterDns.a(`web.${shop.physical}.svc.cluster.local`, shop.ip);
    let answer = await lookup(address, 'web.shop.svc.cluster.local');
    await waitFor(
      async () => {
        answer = await lookup(address, 'web.shop.svc.cluster.local');
        return answer.rcode === 'NOERROR';
      },
      'web.shop answered',
      60_000,
    );
    expect(aRecords(answer)).toEqual([`web.shop.svc.cluster.local ${shop.ip}`]);
    // The Service of the other namespace still answers as before.
    expect(aRecords(await lookup(address, 'web.demo.svc.cluster.local'))).toHaveLength(1);
  }, 180_000);
});
