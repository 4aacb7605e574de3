import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type AgentProcess,
  agentArgs,
  CLI_BUILT,
  call,
  createAll,
  KEY,
  ownedDownstream,
  spawnAgent,
  started,
  useWorld,
  WORKSPACES,
  waitFor,
} from './support.js';
import { allNamespaces, bulkObject, GVR_PATHS, KINDS, type Kind, scheduledDeployment } from './workloads.js';

const deployment = (name: string, replicas: number) => scheduledDeployment(KEY, name, replicas);

describe.skipIf(!CLI_BUILT)('syncer-agent run (process) against simulators', () => {
  const world = useWorld();
  let agent: AgentProcess;
  let endpoints: { probes: string; metrics: string };

  beforeAll(async () => {
    agent = spawnAgent(agentArgs(world));
    endpoints = await started(agent);
  });

  // Runs before useWorld's afterAll (after-hooks run in reverse order): the agent goes before its servers.
  afterAll(async () => {
    if (agent.child.exitCode === null) {
      agent.child.kill('SIGKILL');
      await agent.exited;
    }
  });

  it('runs a Deployment placed upstream downstream and reports it Ready upstream', async () => {
    const ws = WORKSPACES[0] as string;
    const base = `${world.upstream.url}/clusters/${ws}`;
    expect((await call(base, GVR_PATHS.deployments('apps'), 'POST', deployment('web', 2))).status).toBe(201);

    await waitFor(async () => {
      const pods = (await call(world.downstream.url, '/api/v1/pods')).json.items ?? [];
      return pods.filter((p) => (p.status as { phase?: string })?.phase === 'Running').length === 2;
    }, 'two Running pods downstream');
    await waitFor(async () => {
      const { json } = await call(base, `${GVR_PATHS.deployments('apps')}/web`);
      return (json.status as { readyReplicas?: number } | undefined)?.readyReplicas === 2;
    }, 'readyReplicas 2 upstream');
    const ready = await fetch(`${endpoints.probes}/readyz`);
    expect(ready.status).toBe(200);
    const metrics = await (await fetch(`${endpoints.metrics}/metrics`)).text();
    expect(metrics).toMatch(/^# TYPE /m);
  });

  it('syncs 150 resources over 4 GVRs, then deletion cleans them up', async () => {
    const items = [];
    for (let i = 0; i < 150; i++) {
      const kind = KINDS[i % KINDS.length] as Kind;
      const ws = WORKSPACES[i % WORKSPACES.length] as string;
      items.push({
        base: `${world.upstream.url}/clusters/${ws}`,
        path: GVR_PATHS[kind]('bulk'),
        object: bulkObject(KEY, kind, `obj-${i}`),
      });
    }
    await createAll(items);
    const countBulk = async () => {
      let total = 0;
      for (const kind of KINDS) {
        const path = allNamespaces(kind);
        total += (await ownedDownstream(world, path)).filter((o) => o.metadata.labels?.bulk === 'yes').length;
      }
      return total;
    };
    await waitFor(async () => (await countBulk()) === 150, '150 objects downstream', 60_000);

    for (const item of items) {
      const name = (item.object as { metadata: { name: string } }).metadata.name;
      const { status } = await call(item.base, `${item.path}/${name}`, 'DELETE');
      expect([200, 202]).toContain(status);
    }
    await waitFor(async () => (await countBulk()) === 0, 'downstream clean-up', 60_000);
    // Upstream objects go too: the syncer's finalizer is released once the downstream copy is deleted.
    await waitFor(
      async () => {
        for (const ws of WORKSPACES) {
          for (const kind of KINDS) {
            const { json } = await call(`${world.upstream.url}/clusters/${ws}`, GVR_PATHS[kind]('bulk'));
            // Only the test's objects: kcp's own kube-root-ca.crt and default token Secret stay.
            if ((json.items ?? []).some((o) => o.metadata.labels?.bulk === 'yes')) return false;
          }
        }
        return true;
      },
      'upstream objects released by the finalizer',
      30_000,
    );
  });

  it('drains and exits 0 on SIGTERM', async () => {
    agent.child.kill('SIGTERM');
    const { code } = await agent.exited;
    expect(code).toBe(0);
    const messages = agent.logs().map((l) => l.msg);
    expect(messages).toContain('signal received, draining');
    expect(messages).toContain('agent stopped');
  });
});
