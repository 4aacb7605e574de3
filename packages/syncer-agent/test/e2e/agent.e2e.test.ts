import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type AgentProcess,
  agentArgs,
  CLI_BUILT,
  call,
  createAll,
  ownedDownstream,
  spawnAgent,
  started,
  syncLabels,
  useWorld,
  WORKSPACES,
  waitFor,
} from './support.js';

const GVR_PATHS = {
  deployments: (ns: string) => `/apis/apps/v1/namespaces/${ns}/deployments`,
  services: (ns: string) => `/api/v1/namespaces/${ns}/services`,
  configmaps: (ns: string) => `/api/v1/namespaces/${ns}/configmaps`,
  secrets: (ns: string) => `/api/v1/namespaces/${ns}/secrets`,
};

function deployment(name: string, replicas: number, labels: Record<string, string> = {}) {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, labels: syncLabels(labels) },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: { containers: [{ name: 'main', image: 'example/app:1' }] },
      },
    },
  };
}

function bulkObject(kind: keyof typeof GVR_PATHS, name: string) {
  const metadata = { name, labels: syncLabels({ bulk: 'yes' }) };
  switch (kind) {
    case 'deployments':
      return { ...deployment(name, 0, { bulk: 'yes' }) };
    case 'services':
      return { apiVersion: 'v1', kind: 'Service', metadata, spec: { ports: [{ port: 80 }] } };
    case 'configmaps':
      return { apiVersion: 'v1', kind: 'ConfigMap', metadata, data: { n: name } };
    case 'secrets':
      return { apiVersion: 'v1', kind: 'Secret', metadata, type: 'Opaque', stringData: { n: name } };
  }
}

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
    const kinds = Object.keys(GVR_PATHS) as Array<keyof typeof GVR_PATHS>;
    for (let i = 0; i < 150; i++) {
      const kind = kinds[i % kinds.length] as keyof typeof GVR_PATHS;
      const ws = WORKSPACES[i % WORKSPACES.length] as string;
      items.push({
        base: `${world.upstream.url}/clusters/${ws}`,
        path: GVR_PATHS[kind]('bulk'),
        object: bulkObject(kind, `obj-${i}`),
      });
    }
    await createAll(items);
    const countBulk = async () => {
      let total = 0;
      for (const kind of kinds) {
        const path = GVR_PATHS[kind]('').replace('/namespaces//', '/');
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
          for (const kind of kinds) {
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
