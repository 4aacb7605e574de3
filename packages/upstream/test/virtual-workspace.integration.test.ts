import {
  type EventRequest,
  type KubeClient,
  type KubeObject,
  type NamespaceLocatorLookup,
  namespaceLocator,
  type StatusRequest,
  SYNC_TARGET_GVR,
  type SyncTarget,
  type SyncTargetRef,
  statusAnnotation,
  syncerFinalizer,
  syncerVirtualWorkspaceUrl,
  UPSTREAM_KUBE_CLIENT,
} from '@kcp-tmc/interfaces';
import { type KubeRegistration, registerKube } from '@kcp-tmc/kube';
import { placeNamespace } from '@kcp-tmc/testing';
import { createSyncTarget, kubeSide } from '@kcp-tmc/testing/kit';
import { container } from 'tsyringe';
import { afterEach, describe, expect, it } from 'vitest';
import { DefaultEventSyncer } from '../src/events/event-syncer.js';
import { DefaultUpstreamStatusSyncer } from '../src/status/status-syncer.js';
import {
  DEPLOYMENTS,
  deployment,
  SYNC_TARGET_CLUSTER,
  startUpstream,
  type Upstream,
  WORKLOAD_CLUSTER,
} from './support/agents.js';
import { eventually } from './support/wait.js';

// The status and event paths through the syncer virtual workspace, asserting what real kcp v0.11 does
// (reference/real-kcp/README.md; ground-truth/go-syncer/upstream-demo.json): the /status update lands in the
// object's .status (promoted while one SyncTarget holds it) and no per-target status annotation is written;
// the virtual workspace serves no v1 events.

const EVENTS = { group: '', version: 'v1', resource: 'events' } as const;
const scope = { cluster: WORKLOAD_CLUSTER, namespace: 'default' };

interface Vw {
  ref: SyncTargetRef;
  client: KubeClient;
  close(): Promise<void>;
}

async function throughVirtualWorkspace(upstream: Upstream): Promise<Vw> {
  const { ref } = await createSyncTarget(upstream.client, {
    cluster: SYNC_TARGET_CLUSTER,
    name: 'east',
    syncedResources: ['apps/v1/deployments'],
  });
  const current = (await upstream.client.get(SYNC_TARGET_GVR, {
    cluster: ref.cluster,
    name: ref.name,
  })) as SyncTarget;
  const syncerURL = syncerVirtualWorkspaceUrl(current);
  if (syncerURL === undefined) throw new Error('the SyncTarget has no syncer virtual workspace URL');
  const c = container.createChildContainer();
  const side = kubeSide(upstream.sim, { kcp: true, informers: false });
  const registration: KubeRegistration = registerKube(c, {
    upstream: { ...side, connection: { server: syncerURL }, discovery: { cluster: '*' } },
    downstream: side,
  });
  return {
    ref,
    client: c.resolve<KubeClient>(UPSTREAM_KUBE_CLIENT),
    close: () => registration.close(),
  };
}

describe('status and events through the syncer virtual workspace (kcp-mode simulator)', () => {
  let upstream: Upstream | undefined;
  let vw: Vw | undefined;
  afterEach(async () => {
    await vw?.close();
    await upstream?.close();
    vw = undefined;
    upstream = undefined;
  });

  it('an UpdateStatus through the virtual workspace shows in .status, with no status annotation', async () => {
    upstream = await startUpstream();
    vw = await throughVirtualWorkspace(upstream);
    const { ref, client } = vw;
    await placeNamespace(upstream.sim, WORKLOAD_CLUSTER, 'default', ref.key);
    await upstream.client.create(DEPLOYMENTS, deployment('web', 2, [ref]), scope);
    // The spec syncer owns an object (its finalizer, written through the VW) before any status goes up: kcp
    // refuses a write without it (pkg/virtual/syncer/transformations/transformer.go).
    const viewed = await eventually('the Deployment in the virtual workspace', () =>
      client.get(DEPLOYMENTS, { ...scope, name: 'web' }).catch(() => undefined),
    );
    await client.update(
      DEPLOYMENTS,
      { ...viewed, metadata: { ...viewed.metadata, finalizers: [syncerFinalizer(ref.key)] } },
      scope,
    );
    const locators: NamespaceLocatorLookup = {
      locatorOf: (ns) => (ns === 'kcp-down' ? namespaceLocator(WORKLOAD_CLUSTER, ref, 'default') : undefined),
      namespaceFor: () => 'kcp-down',
    };
    const syncer = new DefaultUpstreamStatusSyncer(client, locators, { upstreamMode: 'virtual-workspace' });
    const status = { replicas: 2, readyReplicas: 2, availableReplicas: 2, observedGeneration: 1 };
    const downstream: KubeObject = {
      ...deployment('web', 2, []),
      metadata: { name: 'web', namespace: 'kcp-down' },
      status,
    };
    const key = { cluster: '', gvr: DEPLOYMENTS, namespace: 'kcp-down', name: 'web' };
    const request: StatusRequest = {
      item: { key, direction: 'up', action: 'status', retries: 0, queuedAt: 0 },
      context: { direction: 'up', syncTarget: ref, cluster: WORKLOAD_CLUSTER, gvr: DEPLOYMENTS, key },
      downstream,
    };
    const result = await syncer.syncStatus(request);
    expect(result).toMatchObject({ success: true, operation: 'update' });
    const stored = await upstream.client.get(DEPLOYMENTS, { ...scope, name: 'web' });
    expect(stored.status).toEqual(status);
    expect(stored.metadata.annotations?.[statusAnnotation(ref.key)]).toBeUndefined();
  });

  it('skips Events: the virtual workspace serves no v1 events', async () => {
    upstream = await startUpstream();
    vw = await throughVirtualWorkspace(upstream);
    const { ref, client } = vw;
    const locators: NamespaceLocatorLookup = { locatorOf: () => undefined, namespaceFor: () => undefined };
    const syncer = new DefaultEventSyncer(client, client, locators, ref);
    const key = { cluster: '', gvr: EVENTS, namespace: 'kcp-down', name: 'e' };
    const request: EventRequest = {
      item: { key, direction: 'up', action: 'event', retries: 0, queuedAt: 0 },
      event: {
        apiVersion: 'v1',
        kind: 'Event',
        metadata: { name: 'e', namespace: 'kcp-down' },
        involvedObject: { kind: 'Deployment', name: 'web', namespace: 'kcp-down' },
      },
    };
    expect((await syncer.syncEvent(request)).reason).toBe('the upstream does not serve v1 events');
  });
});
