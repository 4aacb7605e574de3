import {
  clusterKey,
  type KubeObject,
  namespaceLocator,
  parseGvr,
  physicalClusterNamespaceName,
  ResourceStateValue,
  stateLabel,
} from '@kcp-tmc/interfaces';
import { hostAndPort } from '@kcp-tmc/transformation';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { upstreamSpecFingerprint } from '../src/state/spec-fingerprint.js';
import { workload } from './support/fixtures.js';
import {
  type Agent,
  downstreamGet,
  type Sims,
  startAgent,
  startSims,
  WORKLOAD_CLUSTERS,
} from './support/stack.js';
import { eventually } from './support/wait.js';

const NS = 'apps';
const DEPLOYMENTS = parseGvr('apps/v1/deployments');

type PodSpec = {
  automountServiceAccountToken?: boolean;
  containers: Array<{ env?: unknown[]; volumeMounts?: unknown[] }>;
  volumes?: Array<{ name: string; projected?: { sources: Array<{ secret?: { name: string } }> } }>;
};
const podSpecOf = (object: KubeObject | undefined) =>
  (object?.spec as { template: { spec: PodSpec } } | undefined)?.template.spec;

// kcp: pkg/syncer/spec/mutators/deployment.go; the byte-for-byte comparison with kcp's output is
// packages/transformation/src/kcp-ground-truth.test.ts. Here: the same through the engine and the spec path,
// with the token Secret found upstream over the wire.
describe('Deployment pod templates as kcp writes them (simulator, upstream URL configured)', () => {
  let sims: Sims;
  let agent: Agent;
  const cluster = WORKLOAD_CLUSTERS[0] as string;
  const downstreamNs = () => physicalClusterNamespaceName(namespaceLocator(cluster, sims.ref, NS));
  const create = (gvr: string, object: KubeObject) =>
    sims.upstreamClient.create(parseGvr(gvr), object, { cluster, namespace: NS });

  beforeAll(async () => {
    sims = await startSims();
    await sims.upstreamClient.create(
      parseGvr('v1/namespaces'),
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } },
      { cluster },
    );
    agent = await startAgent(sims, {}, { upstreamServerUrl: sims.upstream.url });
  }, 60_000);

  afterAll(async () => {
    await agent?.stop();
    await sims?.stop();
  });

  it('holds a Deployment back until its token exists upstream, then mounts kcp-default-token-* and points at kcp', async () => {
    await create('apps/v1/deployments', workload('Deployment', NS, 'web', sims.ref.key));
    // A later object in the same namespace is synced, so the Deployment had its chance to go down first.
    await create('v1/configmaps', workload('ConfigMap', NS, 'after', sims.ref.key));
    await eventually(
      async () => (await downstreamGet(sims, 'v1/configmaps', downstreamNs(), 'after')) !== undefined,
      20_000,
      'a later ConfigMap downstream',
    );
    expect(await downstreamGet(sims, 'apps/v1/deployments', downstreamNs(), 'web')).toBeUndefined();

    await create('v1/secrets', {
      apiVersion: 'v1',
      kind: 'Secret',
      type: 'kubernetes.io/service-account-token',
      metadata: {
        name: 'default-token-abcde',
        namespace: NS,
        labels: { [stateLabel(sims.ref.key)]: ResourceStateValue.Sync },
        annotations: { 'kubernetes.io/service-account.name': 'default' },
      },
    });
    let live: KubeObject | undefined;
    await eventually(
      async () => {
        live = await downstreamGet(sims, 'apps/v1/deployments', downstreamNs(), 'web');
        return live !== undefined;
      },
      30_000,
      'the Deployment downstream after its token appeared',
    );
    const spec = podSpecOf(live) as PodSpec;
    const { host, port } = hostAndPort(sims.upstream.url);
    expect(spec.automountServiceAccountToken).toBe(false);
    expect(spec.containers[0]?.env).toEqual(
      expect.arrayContaining([
        { name: 'KUBERNETES_SERVICE_PORT', value: port },
        { name: 'KUBERNETES_SERVICE_PORT_HTTPS', value: port },
        { name: 'KUBERNETES_SERVICE_HOST', value: host },
      ]),
    );
    const access = spec.volumes?.find((v) => v.name === 'kcp-api-access');
    expect(access?.projected?.sources[0]?.secret?.name).toBe('kcp-default-token-abcde');
    expect(await downstreamGet(sims, 'v1/secrets', downstreamNs(), 'kcp-default-token-abcde')).toBeDefined();

    // What the status path reads instead of an annotation: the upstream spec the object was applied from.
    const upstream = await sims.upstreamClient.get(DEPLOYMENTS, { cluster, namespace: NS, name: 'web' });
    const state = agent.syncer.inner.states.get(clusterKey(cluster, DEPLOYMENTS, NS, 'web'));
    expect(state?.upstreamSpec).toBe(upstreamSpecFingerprint(upstream.spec));
    expect(live?.metadata.annotations ?? {}).toEqual({});
  }, 60_000);

  it('a restarted agent (nothing remembered) deletes the renamed copies when their upstream objects go', async () => {
    await create('v1/configmaps', {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: {
        name: 'kube-root-ca.crt',
        namespace: NS,
        labels: { [stateLabel(sims.ref.key)]: ResourceStateValue.Sync },
      },
      data: { 'ca.crt': 'PEM' },
    });
    await eventually(
      async () =>
        (await downstreamGet(sims, 'v1/configmaps', downstreamNs(), 'kcp-root-ca.crt')) !== undefined,
      20_000,
      'kcp-root-ca.crt downstream',
    );
    // Deleted while the agent is down: our finalizer keeps them terminating upstream, and the next agent meets
    // them in its first list, to delete without ever having applied them.
    await agent.stop();
    for (const [gvr, name] of [
      ['v1/configmaps', 'kube-root-ca.crt'],
      ['v1/secrets', 'default-token-abcde'],
    ] as const) {
      await sims.upstreamClient.delete(parseGvr(gvr), { cluster, namespace: NS, name });
    }
    agent = await startAgent(sims, {}, { upstreamServerUrl: sims.upstream.url });
    for (const [gvr, name] of [
      ['v1/configmaps', 'kcp-root-ca.crt'],
      ['v1/secrets', 'kcp-default-token-abcde'],
    ] as const) {
      await eventually(
        async () => (await downstreamGet(sims, gvr, downstreamNs(), name)) === undefined,
        20_000,
        `${name} deleted downstream`,
      );
    }
  }, 60_000);
});
