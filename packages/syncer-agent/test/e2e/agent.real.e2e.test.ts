// The behaviours of agent.e2e.test.ts with the built CLI as a process against real kube-apiservers: a plain-mode
// upstream (one cluster, kcp's SyncTarget CRD installed) and a real downstream. No kubelet runs, so pods never
// do: the test writes the downstream Deployment's status itself, where the simulator's fake controllers would.
import {
  DEFAULT_CLUSTER_NAME,
  type KubeObject,
  NAMESPACE_LOCATOR_ANNOTATION,
  namespaceLocator,
  physicalClusterNamespaceName,
  syncerFinalizer,
} from '@kcp-tmc/interfaces';
import type { RealServers } from '@kcp-tmc/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createAllReal,
  createNamespaces,
  createSyncTarget,
  ownedBy,
  plainKey,
  realAgentArgs,
  rest,
  START_TIMEOUT_MS,
  SYNC_TARGETS,
  serversOf,
  startRealWorld,
  writeDeploymentReady,
} from './real-support.js';
import { type AgentProcess, CLI_BUILT, spawnAgent, started, waitFor } from './support.js';
import { allNamespaces, bulkObject, GVR_PATHS, KINDS, type Kind, scheduledDeployment } from './workloads.js';

const ST_NAME = 'edge';
const KEY = plainKey(ST_NAME);
const BULK_NAMESPACES = ['bulk-a', 'bulk-b'];

const deployment = (name: string, replicas: number) => scheduledDeployment(KEY, name, replicas);

const BULK = Array.from({ length: 150 }, (_, i) => {
  const kind = KINDS[i % KINDS.length] as Kind;
  const namespace = BULK_NAMESPACES[i % BULK_NAMESPACES.length] as string;
  return {
    kind,
    namespace,
    name: `obj-${i}`,
    path: GVR_PATHS[kind](namespace),
    object: bulkObject(KEY, kind, `obj-${i}`),
  };
});

describe.skipIf(!CLI_BUILT)('syncer-agent run (process) against real kube-apiservers, plain upstream', () => {
  let real: RealServers<'upstream' | 'downstream'> | undefined;
  let agent: AgentProcess | undefined;
  let endpoints: { probes: string; metrics: string };
  let syncTargetUid = '';

  beforeAll(async () => {
    real = await startRealWorld('the syncer-agent real-server e2e suite');
    if (!real.available) return;
    const { upstream } = real.servers;
    const target = await createSyncTarget(upstream, ST_NAME, ['apps/deployments', 'services']);
    syncTargetUid = target.metadata.uid as string;
    await createNamespaces(upstream, ['apps', ...BULK_NAMESPACES]);
    agent = spawnAgent(realAgentArgs(real.servers, ST_NAME));
    endpoints = await started(agent, 60_000);
  }, START_TIMEOUT_MS);

  afterAll(async () => {
    if (agent && agent.child.exitCode === null && agent.child.signalCode === null) {
      agent.child.kill('SIGKILL');
      await agent.exited;
    }
    await real?.stop();
  });

  it('runs a Deployment placed upstream downstream and reports its ready replicas upstream', async (ctx) => {
    const { upstream, downstream } = serversOf(real, ctx);
    const created = await rest(upstream, 'POST', GVR_PATHS.deployments('apps'), deployment('web', 2));
    expect(created.status).toBe(201);

    // The downstream namespace is kcp's hashed name for (SyncTarget, upstream namespace), with the locator.
    const locator = namespaceLocator(
      DEFAULT_CLUSTER_NAME,
      { cluster: DEFAULT_CLUSTER_NAME, name: ST_NAME, uid: syncTargetUid },
      'apps',
    );
    const namespace = physicalClusterNamespaceName(locator);
    expect(namespace).toMatch(/^kcp-[0-9a-z]{12}$/);
    let copy: KubeObject | undefined;
    await waitFor(async () => {
      copy = (await ownedBy(downstream, allNamespaces('deployments'), KEY)).find(
        (d) => d.metadata.name === 'web',
      );
      return copy !== undefined;
    }, 'the Deployment downstream, owned by the SyncTarget');
    expect(copy?.metadata.namespace).toBe(namespace);
    expect((copy?.spec as { replicas?: number } | undefined)?.replicas).toBe(2);
    const ns = await rest(downstream, 'GET', `/api/v1/namespaces/${namespace}`);
    expect(JSON.parse(ns.json.metadata.annotations?.[NAMESPACE_LOCATOR_ANNOTATION] ?? '{}')).toEqual(locator);

    // The upstream object carries the syncer's finalizer while it has a downstream copy.
    const up = await rest(upstream, 'GET', `${GVR_PATHS.deployments('apps')}/web`);
    expect(up.json.metadata.finalizers).toContain(syncerFinalizer(KEY));

    await writeDeploymentReady(downstream, namespace, 'web');
    await waitFor(async () => {
      const { json } = await rest(upstream, 'GET', `${GVR_PATHS.deployments('apps')}/web`);
      const status = json.status as { readyReplicas?: number; availableReplicas?: number } | undefined;
      return status?.readyReplicas === 2 && status.availableReplicas === 2;
    }, 'readyReplicas 2 upstream');

    expect((await fetch(`${endpoints.probes}/readyz`)).status).toBe(200);
    expect(await (await fetch(`${endpoints.metrics}/metrics`)).text()).toMatch(/^# TYPE /m);
  }, 120_000);

  it('syncs 150 resources over 4 GVRs, then deletion cleans them up and releases the upstream objects', async (ctx) => {
    const { upstream, downstream } = serversOf(real, ctx);
    await createAllReal(upstream, BULK);
    const downstreamBulk = async () => {
      const found: string[] = [];
      for (const kind of KINDS) {
        for (const o of await ownedBy(downstream, allNamespaces(kind), KEY)) {
          if (o.metadata.labels?.bulk === 'yes') found.push(`${kind}/${o.metadata.name}`);
        }
      }
      return found;
    };
    await waitFor(async () => (await downstreamBulk()).length >= 150, '150 objects downstream', 120_000, 250);
    // Exactly the upstream set: no duplicate, no stray.
    expect((await downstreamBulk()).sort()).toEqual(BULK.map((b) => `${b.kind}/${b.name}`).sort());

    for (const item of BULK) {
      const { status } = await rest(upstream, 'DELETE', `${item.path}/${item.name}`);
      expect([200, 202]).toContain(status);
    }
    await waitFor(async () => (await downstreamBulk()).length === 0, 'downstream clean-up', 120_000, 250);
    // The upstream objects go: the syncer's finalizer is released once the downstream copy is deleted.
    await waitFor(
      async () => {
        for (const ns of BULK_NAMESPACES) {
          for (const kind of KINDS) {
            const { json } = await rest(upstream, 'GET', GVR_PATHS[kind](ns));
            if ((json.items ?? []).some((o) => o.metadata.labels?.bulk === 'yes')) return false;
          }
        }
        return true;
      },
      'upstream objects released by the finalizer',
      60_000,
      250,
    );
  }, 300_000);

  it('heartbeats: the SyncTarget lastSyncerHeartbeatTime advances, and /readyz answers 200', async (ctx) => {
    const { upstream } = serversOf(real, ctx);
    const heartbeat = async () => {
      const { json } = await rest(upstream, 'GET', `${SYNC_TARGETS}/${ST_NAME}`);
      const at = (json.status as { lastSyncerHeartbeatTime?: string } | undefined)?.lastSyncerHeartbeatTime;
      return at === undefined ? undefined : Date.parse(at);
    };
    let first: number | undefined;
    await waitFor(async () => {
      first = await heartbeat();
      return first !== undefined;
    }, 'a first heartbeat');
    await waitFor(
      async () => ((await heartbeat()) ?? 0) > (first ?? 0),
      'the heartbeat to advance',
      15_000,
      200,
    );
    expect((await fetch(`${endpoints.probes}/readyz`)).status).toBe(200);
  }, 60_000);

  it('drains and exits 0 on SIGTERM', async (ctx) => {
    serversOf(real, ctx);
    const running = agent as AgentProcess;
    running.child.kill('SIGTERM');
    const { code } = await running.exited;
    expect(code).toBe(0);
    const messages = running.logs().map((l) => l.msg);
    expect(messages).toContain('signal received, draining');
    expect(messages).toContain('agent stopped');
  }, 60_000);
});
