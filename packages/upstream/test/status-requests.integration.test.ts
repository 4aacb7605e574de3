import {
  type KubeObject,
  type NamespaceLocatorLookup,
  namespaceLocator,
  type StatusRequest,
  type SyncTargetRef,
  stateLabel,
  statusAnnotation,
  toSyncTargetKey,
} from '@kcp-tmc/interfaces';
import { afterEach, describe, expect, it } from 'vitest';
import { DefaultUpstreamStatusSyncer } from '../src/status/status-syncer.js';
import { DEPLOYMENTS, startUpstream, type Upstream, WORKLOAD_CLUSTER } from './support/agents.js';

// What the status path costs at the upstream server: counted there, per downstream event.

const CONFIGMAPS = { group: '', version: 'v1', resource: 'configmaps' } as const;
const ST: SyncTargetRef = {
  cluster: 'root:org',
  name: 'east',
  uid: 'uid-east',
  key: toSyncTargetKey('root:org', 'east'),
};
const scope = { cluster: WORKLOAD_CLUSTER, namespace: 'default' };
const locators: NamespaceLocatorLookup = {
  locatorOf: (ns) => (ns === 'kcp-down' ? namespaceLocator(WORKLOAD_CLUSTER, ST, 'default') : undefined),
  namespaceFor: () => 'kcp-down',
};

function request(gvr: typeof DEPLOYMENTS | typeof CONFIGMAPS, downstream: KubeObject, upstream?: KubeObject) {
  const key = { cluster: '', gvr, namespace: 'kcp-down', name: downstream.metadata.name as string };
  return {
    item: { key, direction: 'up', action: 'status', retries: 0, queuedAt: 0 },
    context: { direction: 'up', syncTarget: ST, cluster: WORKLOAD_CLUSTER, gvr, key },
    downstream,
    ...(upstream === undefined ? {} : { upstream }),
  } satisfies StatusRequest;
}

function deployment(name: string): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'i' }] } },
    },
  };
}

describe('status path requests at the upstream server', () => {
  let upstream: Upstream | undefined;
  afterEach(async () => {
    await upstream?.close();
    upstream = undefined;
  });

  it('an object without status (a ConfigMap) costs no request', async () => {
    upstream = await startUpstream();
    const syncer = new DefaultUpstreamStatusSyncer(upstream.client, locators);
    const created = await upstream.client.create(
      CONFIGMAPS,
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm' }, data: { a: '1' } },
      scope,
    );
    upstream.sim.resetStats();
    const down = { ...created, metadata: { ...created.metadata, namespace: 'kcp-down' } };
    const withCache = await syncer.syncStatus(request(CONFIGMAPS, down, created));
    const withoutCache = await syncer.syncStatus(request(CONFIGMAPS, down));
    expect([withCache.operation, withCache.reason]).toEqual(['noop', 'the object has no status']);
    expect(withoutCache.reason).toBe('the object has no status');
    expect(upstream.sim.stats().total).toBe(0);
  });

  it('an upsynced object (state label Upsync downstream) costs no request', async () => {
    upstream = await startUpstream();
    const syncer = new DefaultUpstreamStatusSyncer(upstream.client, locators);
    const upsynced: KubeObject = {
      ...deployment('web'),
      metadata: { name: 'web', namespace: 'kcp-down', labels: { [stateLabel(ST.key)]: 'Upsync' } },
      status: { replicas: 1 },
    };
    upstream.sim.resetStats();
    const result = await syncer.syncStatus(request(DEPLOYMENTS, upsynced));
    expect([result.operation, result.reason]).toEqual([
      'noop',
      'upsynced: its status is not written upstream',
    ]);
    expect(upstream.sim.stats().total).toBe(0);
  });

  it('reads the cached upstream object instead of the server, and re-reads after a 409', async () => {
    upstream = await startUpstream();
    const client = upstream.client;
    const syncer = new DefaultUpstreamStatusSyncer(client, locators);
    const created = await client.create(DEPLOYMENTS, deployment('web'), scope);
    const down = (ready: number): KubeObject => ({
      ...deployment('web'),
      metadata: { name: 'web', namespace: 'kcp-down', generation: 1 },
      status: { replicas: 1, readyReplicas: ready, observedGeneration: 1 },
    });

    upstream.sim.resetStats();
    const first = await syncer.syncStatus(request(DEPLOYMENTS, down(0), created));
    expect(first.operation).toBe('update');
    expect(upstream.sim.stats().byVerb.get ?? 0).toBe(0);

    // A stale cached copy (the first write moved the object on): 409, one fresh read, then the write lands.
    upstream.sim.resetStats();
    const second = await syncer.syncStatus(request(DEPLOYMENTS, down(1), created));
    expect(second.success).toBe(true);
    expect(second.conflicts.map((c) => c.kind)).toEqual(['stale-resource-version']);
    expect(upstream.sim.stats().byVerb.get).toBe(1);
    const latest = await client.get(DEPLOYMENTS, { ...scope, name: 'web' });
    // The downstream status verbatim, and no per-target annotation (kcp: pkg/syncer/status/status_process.go).
    expect(latest.status).toEqual(down(1).status);
    expect(latest.metadata.annotations?.[statusAnnotation(ST.key)]).toBeUndefined();

    // Already shown upstream: nothing to write.
    upstream.sim.resetStats();
    const third = await syncer.syncStatus(request(DEPLOYMENTS, down(1), latest));
    expect([third.operation, third.reason]).toEqual(['noop', 'status unchanged']);
    expect(upstream.sim.stats().total).toBe(0);
  });
});
