import { afterEach, describe, expect, it } from 'vitest';
import {
  type AgentProcess,
  agentArgs,
  CLI_BUILT,
  call,
  ownedDownstream,
  spawnAgent,
  started,
  syncLabels,
  useWorld,
  WORKSPACES,
  waitFor,
} from './support.js';

// Short periods in client-go's proportions (15 s / 10 s / 2 s), so a failover fits in a test.
const LEASE_MS = 3_000;
const ELECTION = [
  '--leader-elect',
  '--leader-elect-resource-namespace=default',
  '--leader-elect-lease-duration=3s',
  '--leader-elect-renew-deadline=2s',
  '--leader-elect-retry-period=500ms',
];
const LEASES = '/apis/coordination.k8s.io/v1/namespaces/default/leases';

describe.skipIf(!CLI_BUILT)('two replicas with --leader-elect', () => {
  const world = useWorld();
  const agents: AgentProcess[] = [];
  const spawn = () => {
    const agent = spawnAgent(agentArgs(world, ELECTION));
    agents.push(agent);
    return agent;
  };
  const logged = (agent: AgentProcess, msg: string) => agent.logs().some((l) => l.msg === msg);
  const lease = async () => {
    const { json } = await call(world.downstream.url, LEASES);
    const [only] = json.items ?? [];
    return only?.spec as { holderIdentity?: string; leaseTransitions?: number } | undefined;
  };
  const identityOf = (agent: AgentProcess) =>
    agent.logs().find((l) => l.msg === 'caches synced, waiting for leadership')?.identity as
      | string
      | undefined;
  const createConfigMap = (name: string) =>
    call(`${world.upstream.url}/clusters/${WORKSPACES[0]}`, '/api/v1/namespaces/apps/configmaps', 'POST', {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name, labels: syncLabels() },
      data: { from: name },
    });
  const synced = async (name: string) =>
    (await ownedDownstream(world, '/api/v1/configmaps')).some((o) => o.metadata.name === name);

  afterEach(() => {
    // A failed test must not leave a leader behind for the next one.
    for (const agent of agents.splice(0)) agent.child.kill('SIGKILL');
  });

  it('only the leader writes; a standby takes over within the lease duration after the leader dies', async () => {
    const a = spawn();
    await started(a, 60_000);
    expect((await lease())?.holderIdentity).toBe(identityOf(a));
    expect((await createConfigMap('before')).status).toBe(201);
    await waitFor(() => synced('before'), 'the leader syncs');

    // The standby lists and watches (its caches warm) but writes nothing downstream while the leader renews
    // (access reviews are POSTs that change nothing).
    world.downstream.resetStats();
    const b = spawn();
    await waitFor(() => logged(b, 'caches synced, waiting for leadership'), 'the standby to warm its caches');
    const renewals = () => world.downstream.stats().byResource['leases.coordination.k8s.io']?.update ?? 0;
    await waitFor(() => renewals() >= 4, 'a few lease renewals while both run', 10_000);
    const stats = world.downstream.stats();
    const writes = Object.entries(stats.byResource)
      .filter(
        ([resource]) =>
          resource !== 'leases.coordination.k8s.io' &&
          !resource.endsWith('accessreviews.authorization.k8s.io'),
      )
      .flatMap(([resource, verbs]) =>
        Object.entries(verbs)
          .filter(([verb]) => ['create', 'update', 'patch', 'delete'].includes(verb))
          .map(([verb, n]) => `${verb} ${resource}: ${n}`),
      );
    expect(writes).toEqual([]);
    expect(logged(b, 'agent started')).toBe(false);
    expect((await lease())?.holderIdentity).toBe(identityOf(a));

    const killedAt = Date.now();
    a.child.kill('SIGKILL');
    // client-go's rule: the standby waits one lease duration from the last renewal it saw.
    await waitFor(() => logged(b, 'acquired the lease'), 'the standby to take over', LEASE_MS + 2_000);
    const failoverMs = Date.now() - killedAt;
    console.log(`leader failover: ${failoverMs} ms (lease duration ${LEASE_MS} ms)`);
    await started(b, 10_000);
    expect(await lease()).toMatchObject({ holderIdentity: identityOf(b), leaseTransitions: 1 });
    expect((await createConfigMap('after')).status).toBe(201);
    await waitFor(() => synced('after'), 'the new leader syncs');

    // A drained stop releases the lease, so the next replica need not wait out its duration.
    b.child.kill('SIGTERM');
    expect((await b.exited).code).toBe(0);
    expect((await lease())?.holderIdentity).toBe('');
  }, 120_000);

  it('stops writing and exits non-zero when another replica takes its lease', async () => {
    const a = spawn();
    await started(a, 60_000);
    // The leader renews every 500 ms: a renewal between our read and our write is a 409, so read again.
    const steal = async () => {
      const { json } = await call(world.downstream.url, LEASES);
      const [current] = json.items ?? [];
      const stolen = {
        ...current,
        spec: {
          ...(current?.spec as object),
          holderIdentity: 'intruder',
          renewTime: new Date().toISOString(),
        },
      };
      const { status } = await call(
        world.downstream.url,
        `${LEASES}/${current?.metadata.name}`,
        'PUT',
        stolen,
      );
      expect([200, 409]).toContain(status);
      return status === 200;
    };
    await waitFor(steal, 'the lease taken over by another holder', 10_000);
    const { code } = await a.exited;
    expect(code).toBe(1);
    expect(a.logs().find((l) => l.msg === 'agent cannot go on, writes stopped')?.reason).toBe(
      'leadership lost: another replica holds the lease',
    );
    expect((await lease())?.holderIdentity).toBe('intruder');
  }, 60_000);
});
