import { type KubeObject, parseGvr, TENANT_ID_LABEL } from '@kcp-tmc/interfaces';
import { describe, expect, it } from 'vitest';
import { dnsId } from '../src/dns/names.js';
import { workload } from './support/fixtures.js';
import { useSpecStack } from './support/spec-stack.js';
import { downstreamGet, startAgent, WORKLOAD_CLUSTERS } from './support/stack.js';
import { eventually } from './support/wait.js';

const NS = 'shop';
const SYNCER_NS = 'kcp-syncer-east-1a2b3c4d';
const IMAGE = 'ghcr.io/kcp-dev/kcp/syncer:v0.11.0';
const ENDPOINTS = parseGvr('v1/endpoints');

type PodSpec = { dnsPolicy?: string; dnsConfig?: unknown };
const podSpecOf = (object: KubeObject | undefined) =>
  (object?.spec as { template: { spec: PodSpec } } | undefined)?.template.spec;

// kcp: pkg/syncer/spec/dns (the objects), spec_process.go (ensured for every object; a Deployment requeued until
// the DNS Endpoints have a ready address), mutators/deployment.go (the pod template's DNS). The objects
// themselves are compared with kcp's in src/dns/objects.test.ts.
describe('kcp’s per-workspace DNS through the spec path (simulator)', () => {
  const cluster = WORKLOAD_CLUSTERS[1] as string;
  const name = () => dnsId(cluster, sims.ref.uid, sims.ref.name);
  const downstreamNs = () => sims.downstreamNamespace(cluster, NS);
  const create = (gvr: string, object: KubeObject) =>
    sims.upstreamClient.create(parseGvr(gvr), object, { cluster, namespace: NS });
  const dnsObject = (gvr: string) => downstreamGet(sims, gvr, SYNCER_NS, name());

  const { sims, agent } = useSpecStack(async (sims) => {
    const namespaces = parseGvr('v1/namespaces');
    await sims.placeNamespace(cluster, NS);
    for (const ns of [SYNCER_NS, 'default']) {
      await sims.downstreamClient
        .create(namespaces, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } })
        .catch(() => undefined);
    }
    // What a kube-apiserver publishes for itself; the NetworkPolicy lets the nameserver reach it.
    await sims.downstreamClient.create(
      ENDPOINTS,
      {
        apiVersion: 'v1',
        kind: 'Endpoints',
        metadata: { name: 'kubernetes', namespace: 'default' },
        subsets: [
          { addresses: [{ ip: '10.1.2.3' }], ports: [{ name: 'https', port: 6443, protocol: 'TCP' }] },
        ],
      },
      { namespace: 'default' },
    );
    return startAgent(sims, { dns: { namespace: SYNCER_NS, image: IMAGE } });
  });

  it('creates the DNS objects with the first object of a workspace and holds its Deployment until the DNS is ready', async () => {
    await create('apps/v1/deployments', workload('Deployment', NS, 'web', sims.ref.key));
    await create('v1/configmaps', workload('ConfigMap', NS, 'settings', sims.ref.key));
    await eventually(
      async () => (await downstreamGet(sims, 'v1/configmaps', downstreamNs(), 'settings')) !== undefined,
      20_000,
      'the ConfigMap downstream',
    );
    for (const gvr of [
      'v1/serviceaccounts',
      'rbac.authorization.k8s.io/v1/roles',
      'rbac.authorization.k8s.io/v1/rolebindings',
      'apps/v1/deployments',
      'v1/services',
      'networking.k8s.io/v1/networkpolicies',
    ]) {
      expect(await dnsObject(gvr), gvr).toBeDefined();
    }
    const deployment = await dnsObject('apps/v1/deployments');
    const container = (deployment?.spec as { template: { spec: { containers: KubeObject[] } } } | undefined)
      ?.template.spec.containers[0];
    expect(container).toMatchObject({ image: IMAGE, args: ['dns', 'start', '--configmap-name', name()] });

    // The namespace's tenant may query the nameserver; the nameserver may reach the API server.
    const namespace = await downstreamGet(sims, 'v1/namespaces', '', downstreamNs());
    const policy = (await dnsObject('networking.k8s.io/v1/networkpolicies'))?.spec as {
      ingress: Array<{ from: Array<{ namespaceSelector: { matchLabels: Record<string, string> } }> }>;
      egress: Array<{ to: unknown[] }>;
    };
    expect(policy.ingress[0]?.from[0]?.namespaceSelector.matchLabels[TENANT_ID_LABEL]).toBe(
      namespace?.metadata.labels?.[TENANT_ID_LABEL],
    );
    expect(policy.egress[1]?.to).toEqual([{ ipBlock: { cidr: '10.1.2.3/32' } }]);

    // The nameserver's map: upstream namespace -> downstream namespace.
    await eventually(
      async () => (await dnsObject('v1/configmaps'))?.data !== undefined,
      10_000,
      'the DNS namespace map',
    );
    expect((await dnsObject('v1/configmaps'))?.data).toEqual({ [NS]: downstreamNs() });

    // Held, not failed: rechecked while the DNS Service has no ready endpoint, and no finalizer upstream yet.
    expect(await downstreamGet(sims, 'apps/v1/deployments', downstreamNs(), 'web')).toBeUndefined();
    await eventually(
      () => agent.syncer.applied.filter((a) => a.request.item.key.name === 'web').length >= 2,
      10_000,
      'the Deployment rechecked',
    );
    for (const { request, result } of agent.syncer.applied.filter((a) => a.request.item.key.name === 'web')) {
      expect(request.item.key.gvr.resource).toBe('deployments');
      expect(result).toMatchObject({ success: true, operation: 'noop', retryAfterMs: 500 });
    }
    const upstream = await sims.upstreamClient.get(parseGvr('apps/v1/deployments'), {
      name: 'web',
      namespace: NS,
      cluster,
    });
    expect(upstream.metadata.finalizers ?? []).toEqual([]);
  }, 60_000);

  it('syncs the Deployment once the DNS Endpoints have a ready address, resolving through the workspace nameserver', async () => {
    await sims.downstreamClient.create(
      ENDPOINTS,
      {
        apiVersion: 'v1',
        kind: 'Endpoints',
        metadata: { name: name(), namespace: SYNCER_NS },
        subsets: [
          { addresses: [{ ip: '10.244.0.53' }], ports: [{ name: 'dns', port: 5353, protocol: 'UDP' }] },
        ],
      },
      { namespace: SYNCER_NS },
    );
    let synced: KubeObject | undefined;
    await eventually(
      async () => {
        synced = await downstreamGet(sims, 'apps/v1/deployments', downstreamNs(), 'web');
        return synced !== undefined;
      },
      20_000,
      'the Deployment downstream',
    );
    const service = await dnsObject('v1/services');
    const clusterIP = (service?.spec as { clusterIP?: string } | undefined)?.clusterIP ?? '';
    expect(clusterIP).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    expect(podSpecOf(synced)).toMatchObject({
      dnsPolicy: 'None',
      dnsConfig: {
        nameservers: [clusterIP],
        searches: [`${NS}.svc.cluster.local`, 'svc.cluster.local', 'cluster.local'],
        options: [{ name: 'ndots', value: '5' }],
      },
    });
  }, 60_000);
});
