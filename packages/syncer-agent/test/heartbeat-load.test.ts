import {
  DEFAULT_FEATURE_GATES,
  parseGvr,
  ResourceStateValue,
  stateLabel,
  toSyncTargetKey,
} from '@kcp-tmc/interfaces';
import { type KubeObject, type KubeSimulator, startKubeSimulator } from '@kcp-tmc/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { type Agent, createAgent } from '../src/compose.js';
import type { AgentOptions } from '../src/config/options.js';
import { waitFor } from '../src/test-support/wait.js';

// Issue 6 acceptance: the heartbeat advances every period while the agent runs a 10k-object initial sync,
// through the whole composed agent (its workers, informers and downstream writes share the event loop).
const CLUSTER = 'root:org';
const WORKSPACE = 'root:org:ws';
const NAMESPACE = 'app';
const OBJECTS = 10_000;
const PERIOD_MS = 1_000;
// One heartbeat is a timer firing plus one JSON-patch round trip to the in-process simulator. Node timers fire
// late by up to a few ms idle, and by one busy event-loop turn (a batch of informer events or a list page,
// tens of ms on this shared 2-core machine) under load; the patch round trip adds the same again. 250 ms
// covers both with margin while still failing on a skipped or starved beat (a miss shows as a 2x gap).
const TOLERANCE_MS = 250;

type WriteUpdate = KubeSimulator['service']['writeUpdate'];

/** Records the server-side arrival time of every heartbeat (a status write that changes no condition). */
function recordHeartbeats(upstream: KubeSimulator): number[] {
  const beats: number[] = [];
  const service = upstream.service;
  const original: WriteUpdate = service.writeUpdate.bind(service);
  // Hooked below the HTTP layer so same-second heartbeats (a no-op write for the store) are seen too.
  service.writeUpdate = (target, cluster, old, body, ...rest) => {
    if (target.rt.resource === 'synctargets' && target.subresource === 'status') {
      const status = (body.status ?? {}) as Record<string, unknown>;
      const before = (old.status ?? {}) as Record<string, unknown>;
      const conditionsUnchanged = JSON.stringify(status.conditions) === JSON.stringify(before.conditions);
      if (status.lastSyncerHeartbeatTime !== undefined && conditionsUnchanged) beats.push(performance.now());
    }
    return original(target, cluster, old, body, ...rest);
  };
  return beats;
}

function seed(upstream: KubeSimulator, key: string): void {
  const { service } = upstream;
  const nsType = service.registry.lookupGroupResource(WORKSPACE, '', 'namespaces');
  const cmType = service.registry.lookupGroupResource(WORKSPACE, '', 'configmaps');
  if (nsType === undefined || cmType === undefined) throw new Error('simulator lacks core resources');
  service.create(
    { cluster: WORKSPACE, rt: nsType, version: 'v1', namespace: undefined },
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NAMESPACE } },
  );
  const target = { cluster: WORKSPACE, rt: cmType, version: 'v1', namespace: NAMESPACE };
  for (let i = 0; i < OBJECTS; i++) {
    const object: KubeObject = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: {
        name: `cm-${i}`,
        namespace: NAMESPACE,
        labels: { [stateLabel(key)]: ResourceStateValue.Sync },
      },
      data: { index: String(i) },
    };
    service.create(target, object);
  }
}

function options(upstream: KubeSimulator, downstream: KubeSimulator): AgentOptions {
  return {
    fromKubeconfig: upstream.kubeconfigPath,
    fromCluster: CLUSTER,
    toKubeconfig: downstream.kubeconfigPath,
    syncTargetName: 'east',
    upstreamMode: 'virtual-workspace',
    resources: [parseGvr('v1/configmaps')],
    // The workers' limiter is generous so the sync ends in the test budget; the heartbeat has its own client.
    qps: 1000,
    burst: 1000,
    downstreamNamespaceCleanDelayMs: 1000,
    featureGates: DEFAULT_FEATURE_GATES,
    metricsBindAddress: { host: '127.0.0.1', port: 0 },
    healthProbeBindAddress: { host: '127.0.0.1', port: 0 },
    workers: 4,
    heartbeatPeriodMs: PERIOD_MS,
    shutdownTimeoutMs: 5_000,
    verbosity: 0,
  };
}

describe('heartbeat under a 10k-object initial sync', () => {
  const cleanup: Array<() => Promise<unknown>> = [];
  afterEach(async () => {
    for (const step of cleanup.reverse()) await step();
    cleanup.length = 0;
  });

  it('advances every period through the whole agent until every object is downstream', async () => {
    const upstream = await startKubeSimulator({
      kcp: { clusters: [CLUSTER, WORKSPACE] },
      historySize: 50_000,
    });
    const downstream = await startKubeSimulator({ historySize: 50_000 });
    cleanup.push(
      () => upstream.stop(),
      () => downstream.stop(),
    );
    const created = await fetch(
      `${upstream.url}/clusters/${CLUSTER}/apis/workload.kcp.io/v1alpha1/synctargets`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          apiVersion: 'workload.kcp.io/v1alpha1',
          kind: 'SyncTarget',
          metadata: { name: 'east' },
        }),
      },
    );
    expect(created.status).toBe(201);
    seed(upstream, toSyncTargetKey(CLUSTER, 'east'));

    // Objects land downstream in the agent's kcp-<hash> namespace; count distinct names as they are created.
    const synced = new Set<string>();
    const unsubscribe = downstream.store.onChange((event) => {
      if (
        event.type === 'ADDED' &&
        event.gr.endsWith('/configmaps') &&
        event.object.metadata.name?.startsWith('cm-')
      ) {
        synced.add(event.object.metadata.name);
      }
    });
    cleanup.push(async () => unsubscribe());

    const beats = recordHeartbeats(upstream);
    const agent: Agent = await createAgent(options(upstream, downstream));
    cleanup.push(() => agent.stop());
    const startedAt = performance.now();
    await agent.start();
    await waitFor(() => synced.size === OBJECTS, `${OBJECTS} ConfigMaps downstream`, 80_000, 50);
    const syncMs = performance.now() - startedAt;
    // Stop now: the heartbeats measured are the ones sent during the initial sync.
    const during = [...beats];
    await agent.stop();

    const gaps = during.slice(1).map((t, i) => t - (during[i] as number));
    const maxGap = Math.max(...gaps);
    console.info(
      `heartbeat-load: ${OBJECTS} objects synced in ${Math.round(syncMs)} ms, ${during.length} heartbeats, ` +
        `max gap ${Math.round(maxGap)} ms = ${(maxGap / PERIOD_MS).toFixed(3)} periods`,
    );
    // The sync must span several periods, or the assertion below would say nothing about the heartbeat.
    expect(syncMs).toBeGreaterThan(3 * PERIOD_MS);
    expect(during.length).toBeGreaterThanOrEqual(Math.floor(syncMs / PERIOD_MS) - 1);
    // The first beat goes out at start; no gap after it may exceed one period plus the tolerance.
    expect(during[0]! - startedAt).toBeLessThanOrEqual(PERIOD_MS + TOLERANCE_MS);
    expect(maxGap).toBeLessThanOrEqual(PERIOD_MS + TOLERANCE_MS);
  }, 90_000);
});
