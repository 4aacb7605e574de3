import { DOWNSTREAM_KUBE_CLIENT, type GVR, type KubeClient, UPSTREAM_KUBE_CLIENT } from '@kcp-tmc/interfaces';
import { registerKube } from '@kcp-tmc/kube';
import type { RealKubeApiserver } from '@kcp-tmc/testing';
import { createSyncTarget, kubeSide } from '@kcp-tmc/testing/kit';
import { container } from 'tsyringe';
import { type Agent, getOrUndefined, startSpecPath } from '../support/stack.js';
/** The logical cluster plain-mode informers key upstream objects under. */
export const PLAIN_CLUSTER = 'plain';
export const SYNCED_RESOURCES = ['apps/v1/deployments', 'v1/services'];

/** Admin clients on both real servers, and the SyncTarget (plain upstream, made once per suite). */
export async function realSides(upstream: RealKubeApiserver, downstream: RealKubeApiserver, name: string) {
  const c = container.createChildContainer();
  const registration = registerKube(c, {
    upstream: kubeSide(upstream, { informers: false }),
    downstream: kubeSide(downstream, { informers: false }),
  });
  const upstreamClient = c.resolve<KubeClient>(UPSTREAM_KUBE_CLIENT);
  const downstreamClient = c.resolve<KubeClient>(DOWNSTREAM_KUBE_CLIENT);
  const { ref } = await createSyncTarget(upstreamClient, {
    cluster: PLAIN_CLUSTER,
    name,
    plain: true,
    syncedResources: SYNCED_RESOURCES,
  });
  return {
    upstream,
    downstream,
    upstreamClient,
    downstreamClient,
    ref,
    /** Downstream GET, undefined on 404. */
    downstreamGet: (gvr: GVR | string, namespace: string, name: string) =>
      getOrUndefined(downstreamClient, gvr, namespace, name),
    close: () => registration.close(),
  };
}

export type RealSides = Awaited<ReturnType<typeof realSides>>;

export type RealAgent = Agent;

/** The real spec path as the agent wires it (startSpecPath), plain mode. */
export async function startRealAgent(sides: RealSides): Promise<RealAgent> {
  const c = container.createChildContainer();
  const registration = registerKube(c, {
    upstream: kubeSide(sides.upstream, {
      informers: { useClusterAnnotation: false, clusterName: PLAIN_CLUSTER },
    }),
    downstream: kubeSide(sides.downstream),
  });
  return startSpecPath(c, registration, {
    ref: sides.ref,
    upstreamMode: 'plain',
    // A plain upstream has no /clusters/<name> prefix for the finalizer and Event writes.
    downstream: { upstreamByCluster: false, config: { namespaceCleanDelayMs: 500 }, deleteRecheckMs: 100 },
    cacheSyncTimeoutMs: 30_000,
  });
}
