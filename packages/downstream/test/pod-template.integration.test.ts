import { clusterKey, type KubeObject, parseGvr } from '@kcp-tmc/interfaces';
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
  serviceAccountName?: string;
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
  const downstreamNs = () => sims.downstreamNamespace(cluster, NS);
  const create = (gvr: string, object: KubeObject) =>
    sims.upstreamClient.create(parseGvr(gvr), object, { cluster, namespace: NS });

  /** The name of kcp's token Secret for this ServiceAccount in NS, once its token controller made it. */
  const upstreamToken = async (serviceAccount: string): Promise<string> => {
    let name: string | undefined;
    await eventually(
      async () => {
        const secrets = await sims.upstreamClient.list(parseGvr('v1/secrets'), { cluster, namespace: NS });
        name = secrets.items.find(
          (s) =>
            (s as { type?: string }).type === 'kubernetes.io/service-account-token' &&
            s.metadata.deletionTimestamp === undefined &&
            s.metadata.annotations?.['kubernetes.io/service-account.name'] === serviceAccount,
        )?.metadata.name;
        return name !== undefined;
      },
      20_000,
      `the ${serviceAccount} token upstream`,
    );
    return name as string;
  };

  beforeAll(async () => {
    sims = await startSims();
    await sims.placeNamespace(cluster, NS);
    agent = await startAgent(sims, { transformation: { upstreamServerUrl: sims.upstream.url } });
  }, 60_000);

  afterAll(async () => {
    await agent?.stop();
    await sims?.stop();
  });

  // kcp's token controller gives every ServiceAccount its token Secret at once (the kube controllers kcp runs,
  // pkg/server/controllers.go), so a Deployment waits only while its ServiceAccount is missing: `builder` here.
  it('holds a Deployment back until its token exists upstream, then mounts it and points at kcp', async () => {
    const web = workload('Deployment', NS, 'web', sims.ref.key);
    (web.spec as { template: { spec: PodSpec } }).template.spec.serviceAccountName = 'builder';
    await create('apps/v1/deployments', web);
    // A later object in the same namespace is synced, so the Deployment had its chance to go down first.
    await create('v1/configmaps', workload('ConfigMap', NS, 'after', sims.ref.key));
    await eventually(
      async () => (await downstreamGet(sims, 'v1/configmaps', downstreamNs(), 'after')) !== undefined,
      20_000,
      'a later ConfigMap downstream',
    );
    expect(await downstreamGet(sims, 'apps/v1/deployments', downstreamNs(), 'web')).toBeUndefined();

    await create('v1/serviceaccounts', {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { name: 'builder', namespace: NS },
    });
    const builderToken = await upstreamToken('builder');
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
    expect(spec.serviceAccountName).toBeUndefined();
    expect(spec.containers[0]?.env).toEqual(
      expect.arrayContaining([
        { name: 'KUBERNETES_SERVICE_PORT', value: port },
        { name: 'KUBERNETES_SERVICE_PORT_HTTPS', value: port },
        { name: 'KUBERNETES_SERVICE_HOST', value: host },
      ]),
    );
    // A ServiceAccount other than `default` has its token mounted by its own name (deployment.go).
    const access = (s: PodSpec) => s.volumes?.find((v) => v.name === 'kcp-api-access');
    expect(access(spec)?.projected?.sources[0]?.secret?.name).toBe(builderToken);

    // What the status path reads instead of an annotation: the upstream spec the object was applied from.
    const upstream = await sims.upstreamClient.get(DEPLOYMENTS, { cluster, namespace: NS, name: 'web' });
    const state = agent.syncer.inner.states.get(clusterKey(cluster, DEPLOYMENTS, NS, 'web'));
    expect(state?.upstreamSpec).toBe(upstreamSpecFingerprint(upstream.spec));
    expect(live?.metadata.annotations ?? {}).toEqual({});

    // The `default` ServiceAccount's token, kcp's own default-token-*, is mounted as kcp-default-token-*.
    const defaultToken = await upstreamToken('default');
    expect(defaultToken).toMatch(/^default-token-/);
    await create('apps/v1/deployments', workload('Deployment', NS, 'api', sims.ref.key));
    let api: KubeObject | undefined;
    await eventually(
      async () => {
        api = await downstreamGet(sims, 'apps/v1/deployments', downstreamNs(), 'api');
        return api !== undefined;
      },
      30_000,
      'the default-account Deployment downstream',
    );
    expect(access(podSpecOf(api) as PodSpec)?.projected?.sources[0]?.secret?.name).toBe(
      `kcp-${defaultToken}`,
    );
    await eventually(
      async () =>
        (await downstreamGet(sims, 'v1/secrets', downstreamNs(), `kcp-${defaultToken}`)) !== undefined,
      20_000,
      `kcp-${defaultToken} downstream`,
    );
  }, 60_000);

  // kcp's own kube-root-ca.crt and default-token-* are synced renamed (ground-truth/go-syncer/downstream-ns-kcp-*.json);
  // kcp's controllers recreate them when deleted, the token under a new name.
  it('a restarted agent (nothing remembered) deletes the renamed copies when their upstream objects go', async () => {
    const token = await upstreamToken('default');
    const copies = [
      ['v1/configmaps', 'kube-root-ca.crt', 'kcp-root-ca.crt'],
      ['v1/secrets', token, `kcp-${token}`],
    ] as const;
    const uids = new Map<string, string | undefined>();
    for (const [gvr, , copy] of copies) {
      await eventually(
        async () => (await downstreamGet(sims, gvr, downstreamNs(), copy)) !== undefined,
        20_000,
        `${copy} downstream`,
      );
      uids.set(copy, (await downstreamGet(sims, gvr, downstreamNs(), copy))?.metadata.uid);
    }
    // Deleted while the agent is down: our finalizer keeps them terminating upstream, and the next agent meets
    // them in its first list, to delete without ever having applied them.
    await agent.stop();
    for (const [gvr, name] of copies) {
      await sims.upstreamClient.delete(parseGvr(gvr), { cluster, namespace: NS, name });
    }
    agent = await startAgent(sims, { transformation: { upstreamServerUrl: sims.upstream.url } });
    for (const [gvr, , copy] of copies) {
      // Gone, or (kube-root-ca.crt, recreated by kcp under the same name) a new copy of the new object.
      await eventually(
        async () => (await downstreamGet(sims, gvr, downstreamNs(), copy))?.metadata.uid !== uids.get(copy),
        20_000,
        `${copy} deleted downstream`,
      );
    }
    expect(await upstreamToken('default')).not.toBe(token);
  }, 60_000);
});
