// The spec-path acceptance points of spec-path.integration.test.ts that hold on a real server, against real
// kube-apiservers: a plain-mode upstream serving the SyncTarget CRD, and a real downstream with
// kube-controller-manager (namespace and garbage-collector controllers) for deletion. Real here: Service
// clusterIP and nodePort allocation. Simulator-only: three logical clusters (kcp modes), the Widget CRD
// wildcard, and namespace collisions across logical clusters.
import {
  type KubeObject,
  namespaceLocator,
  parseGvr,
  physicalClusterNamespaceName,
  ResourceStateValue,
  stateLabel,
  syncerFinalizer,
} from '@kcp-tmc/interfaces';
import { type RealServers, realRequest, startRealServers } from '@kcp-tmc/testing';
import { afterAll, beforeAll, describe, expect, it, type TestContext } from 'vitest';
import { workload } from '../support/fixtures.js';
import { expectUnownedLeftAlone, relabelAndExpectClean } from '../support/spec-cases.js';
import { eventually } from '../support/wait.js';
import { PLAIN_CLUSTER, type RealAgent, type RealSides, realSides, startRealAgent } from './stack.js';

const START_TIMEOUT_MS = 45 * 60_000;
const NS = 'team';
const NAMESPACES = parseGvr('v1/namespaces');

let real: RealServers<'upstream' | 'downstream'>;
let sides: RealSides | undefined;
let agent: RealAgent | undefined;
beforeAll(async () => {
  real = await startRealServers({
    upstream: { syncTargetCrd: true },
    downstream: { controllerManager: true },
  });
  if (!real.available) {
    console.warn(`skipping downstream real-server suite: ${real.reason}`);
    return;
  }
  sides = await realSides(real.servers.upstream, real.servers.downstream, 'east');
  await sides.upstreamClient.create(NAMESPACES, {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: NS },
  });
  for (const [kind, gvr] of KINDS) {
    await sides.upstreamClient.create(parseGvr(gvr), workload(kind, NS, 'app', sides.ref.key), {
      namespace: NS,
    });
  }
  agent = await startRealAgent(sides);
}, START_TIMEOUT_MS);
afterAll(async () => {
  await agent?.stop();
  await sides?.close();
  await real?.stop();
});

const KINDS = [
  ['Deployment', 'apps/v1/deployments'],
  ['Service', 'v1/services'],
  ['ConfigMap', 'v1/configmaps'],
  ['Secret', 'v1/secrets'],
] as const;

function ready(ctx: TestContext): { s: RealSides; a: RealAgent; ns: string } {
  if (!real.available || sides === undefined || agent === undefined) {
    return ctx.skip(real.available ? 'set-up failed' : real.reason);
  }
  return {
    s: sides,
    a: agent,
    ns: physicalClusterNamespaceName(namespaceLocator(PLAIN_CLUSTER, sides.ref, NS)),
  };
}

const upstreamGet = (s: RealSides, gvr: string, name: string) =>
  s.upstreamClient.get(parseGvr(gvr), { namespace: NS, name }).catch(() => undefined);

describe('spec path against real kube-apiservers (plain upstream, real engine + transformation + conflict)', () => {
  it('syncs every kind into the downstream namespace, with the finalizer upstream first', async (ctx) => {
    const { s, a, ns } = ready(ctx);
    for (const [, gvr] of KINDS) {
      await eventually(
        async () => (await s.downstreamGet(gvr, ns, 'app')) !== undefined,
        20_000,
        `${gvr} downstream`,
      );
      expect((await upstreamGet(s, gvr, 'app'))?.metadata.finalizers).toContain(syncerFinalizer(s.ref.key));
    }
    expect(a.syncer.applied.filter((x) => !x.result.success).map((x) => x.result.error?.message)).toEqual([]);
  });

  // One downstream request per new object (issue 17): absent from the synced cache of our objects, it is created
  // by POST, which cannot take over an object someone else made; no GET before it (it always answered 404).
  it('creates each new object with one downstream request: a POST, no GET, no apply', async (ctx) => {
    const { s, ns } = ready(ctx);
    const names = Array.from({ length: 10 }, (_, i) => `one-${i}`);
    const before = await downstreamConfigMapRequests();
    for (const name of names) {
      await s.upstreamClient.create(parseGvr('v1/configmaps'), workload('ConfigMap', NS, name, s.ref.key), {
        namespace: NS,
      });
    }
    await eventually(
      async () => {
        const list = await s.downstreamClient.list(parseGvr('v1/configmaps'), { namespace: ns });
        return names.every((n) => list.items.some((cm) => cm.metadata.name === n));
      },
      20_000,
      'all ten downstream',
    );
    const after = await downstreamConfigMapRequests();
    const delta = (verb: string) => (after[verb] ?? 0) - (before[verb] ?? 0);
    expect({ POST: delta('POST'), GET: delta('GET'), APPLY: delta('APPLY'), PATCH: delta('PATCH') }).toEqual({
      POST: 10,
      GET: 0,
      APPLY: 0,
      PATCH: 0,
    });
  });

  // A POST leaves our fields under an Update entry of our manager, which a later apply conflicts with and cannot
  // remove fields from; the agent turns it into its Apply entry, so neither shows.
  it('changes a value it created and drops a label it created: no conflict, nothing left behind', async (ctx) => {
    const { s, a, ns } = ready(ctx);
    const object = workload('ConfigMap', NS, 'relabel', s.ref.key);
    object.metadata.labels = { ...object.metadata.labels, team: 'a' };
    await s.upstreamClient.create(parseGvr('v1/configmaps'), object, { namespace: NS });
    await eventually(async () => (await s.downstreamGet('v1/configmaps', ns, 'relabel')) !== undefined);
    const current = (await upstreamGet(s, 'v1/configmaps', 'relabel')) as KubeObject;
    await relabelAndExpectClean(
      current,
      (object) => s.upstreamClient.update(parseGvr('v1/configmaps'), object, { namespace: NS }),
      () => s.downstreamGet('v1/configmaps', ns, 'relabel'),
      a.syncer,
    );
  });

  it("keeps a Service's allocated clusterIP and nodePort over 5 upstream updates, without a 422", async (ctx) => {
    const { s, a, ns } = ready(ctx);
    await eventually(async () => (await s.downstreamGet('v1/services', ns, 'app')) !== undefined);
    const first = (await s.downstreamGet('v1/services', ns, 'app')) as KubeObject;
    const spec = first.spec as { clusterIP: string; ports: Array<{ nodePort: number }> };
    expect(spec.clusterIP).toMatch(/^10\.0\.0\.\d+$/);
    const nodePort = spec.ports[0]?.nodePort;
    expect(nodePort).toBeGreaterThanOrEqual(30000);
    for (let i = 1; i <= 5; i++) {
      const current = (await upstreamGet(s, 'v1/services', 'app')) as KubeObject;
      current.metadata.annotations = { ...current.metadata.annotations, 'test.kcp.io/round': String(i) };
      await s.upstreamClient.update(parseGvr('v1/services'), current, { namespace: NS });
      await eventually(
        async () =>
          (await s.downstreamGet('v1/services', ns, 'app'))?.metadata.annotations?.['test.kcp.io/round'] ===
          String(i),
        10_000,
        `round ${i} downstream`,
      );
    }
    const lastSpec = ((await s.downstreamGet('v1/services', ns, 'app')) as KubeObject).spec as typeof spec;
    expect(lastSpec.clusterIP).toBe(spec.clusterIP);
    expect(lastSpec.ports[0]?.nodePort).toBe(nodePort);
    const failures = a.syncer.applied.filter(
      (x) => x.request.item.key.gvr.resource === 'services' && !x.result.success,
    );
    expect(failures.map((f) => f.result.error?.message)).toEqual([]);
  });

  // kcp: pkg/syncer/spec/mutators/secrets.go and spec_process.go `getTransformedName`; ground truth:
  // shared/reference/real-kcp/ground-truth/go-syncer/downstream-ns-kcp-1s60339u6lau.json `kcp-default-token-*`.
  it('syncs a default service-account token Secret as kcp does: kcp-default-token-*, Opaque, no account annotations', async (ctx) => {
    const { s, ns } = ready(ctx);
    await s.upstreamClient.create(
      parseGvr('v1/secrets'),
      {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: {
          name: 'default-token-real1',
          namespace: NS,
          labels: { [stateLabel(s.ref.key)]: ResourceStateValue.Sync },
          annotations: { 'kubernetes.io/service-account.name': 'default' },
        },
        type: 'kubernetes.io/service-account-token',
      },
      { namespace: NS },
    );
    let synced: KubeObject | undefined;
    await eventually(async () => {
      synced = await s.downstreamGet('v1/secrets', ns, 'kcp-default-token-real1');
      return synced !== undefined;
    });
    expect(synced?.type).toBe('Opaque');
    expect(synced?.metadata.annotations).toBeUndefined();
    expect(await s.downstreamGet('v1/secrets', ns, 'default-token-real1')).toBeUndefined();
  });

  it('reverts a human edit of a synced spec', async (ctx) => {
    const { s, ns } = ready(ctx);
    await eventually(async () => (await s.downstreamGet('apps/v1/deployments', ns, 'app')) !== undefined);
    const live = (await s.downstreamGet('apps/v1/deployments', ns, 'app')) as KubeObject & {
      spec: { template: { spec: { containers: Array<{ image: string }> } } };
    };
    (live.spec.template.spec.containers[0] as { image: string }).image = 'registry.example/hacked:6';
    await s.downstreamClient.update(
      parseGvr('apps/v1/deployments'),
      live,
      { namespace: ns },
      { fieldManager: 'kubectl-edit' },
    );
    await eventually(
      async () => {
        const now = (await s.downstreamGet('apps/v1/deployments', ns, 'app')) as typeof live;
        return now.spec.template.spec.containers[0]?.image === 'registry.example/app:1';
      },
      20_000,
      'human edit reverted',
    );
  });

  it('leaves an unowned same-named object untouched and reports a conflict', async (ctx) => {
    const { s, a, ns } = ready(ctx);
    await eventually(async () => (await s.downstreamGet(NAMESPACES, '', ns)) !== undefined);
    await expectUnownedLeftAlone({
      downstream: s.downstreamClient,
      namespace: ns,
      upstreamNamespace: NS,
      syncTargetKey: s.ref.key,
      createUpstream: (object) =>
        s.upstreamClient.create(parseGvr('v1/configmaps'), object, { namespace: NS }),
      upstreamEvents: async () =>
        (await s.upstreamClient.list(parseGvr('v1/events'), { namespace: NS })).items,
      syncer: a.syncer,
    });
  });

  it('a restarted agent syncs everything again without a single downstream write', async (ctx) => {
    const { s, ns } = ready(ctx);
    const names: Array<[string, string]> = KINDS.map(([, gvr]) => [gvr, 'app']);
    for (const [gvr, name] of names) {
      await eventually(async () => (await s.downstreamGet(gvr, ns, name)) !== undefined, 20_000, `${gvr}`);
    }
    await agent?.stop();
    // Unchanged resourceVersions mean no write reached the server (any write, even a no-op update, bumps it).
    const before = new Map<string, string | undefined>();
    for (const [gvr, name] of names)
      before.set(gvr, (await s.downstreamGet(gvr, ns, name))?.metadata.resourceVersion);
    agent = await startRealAgent(s);
    const restarted = agent;
    await eventually(
      () =>
        names.every(([gvr]) =>
          restarted.syncer.applied.some(
            (x) =>
              `${x.request.context.gvr.resource}` === parseGvr(gvr).resource &&
              x.request.item.key.name === 'app',
          ),
        ),
      20_000,
      'every object applied once more',
    );
    for (const [gvr, name] of names) {
      expect((await s.downstreamGet(gvr, ns, name))?.metadata.resourceVersion, gvr).toBe(before.get(gvr));
    }
  });

  async function downstreamConfigMapRequests(): Promise<Record<string, number>> {
    if (!real.available) return {};
    const text = (await realRequest(real.servers.downstream, 'GET', '/metrics')).body as string;
    const counts: Record<string, number> = {};
    for (const line of text.split('\n')) {
      if (!line.startsWith('apiserver_request_total{') || !line.includes('resource="configmaps"')) continue;
      const verb = /verb="([^"]*)"/.exec(line)?.[1] ?? '';
      counts[verb] = (counts[verb] ?? 0) + Number(line.slice(line.lastIndexOf(' ') + 1));
    }
    return counts;
  }

  it('deletes downstream on upstream deletion, then removes the finalizer', async (ctx) => {
    const { s, a, ns } = ready(ctx);
    await eventually(async () => (await s.downstreamGet('v1/configmaps', ns, 'app')) !== undefined);
    await s.upstreamClient.delete(parseGvr('v1/configmaps'), { namespace: NS, name: 'app' });
    await eventually(
      async () => (await s.downstreamGet('v1/configmaps', ns, 'app')) === undefined,
      20_000,
      'downstream gone',
    );
    await eventually(
      async () => (await upstreamGet(s, 'v1/configmaps', 'app')) === undefined,
      20_000,
      'upstream gone',
    );
    // Recorded when the syncer's delete returns, which is after its finalizer removal let the object go.
    await eventually(
      () =>
        a.syncer.deleted.some(
          (d) => d.request.item.key.name === 'app' && d.result.operation === 'delete' && d.result.success,
        ),
      20_000,
      'the delete recorded',
    );
  });
});
