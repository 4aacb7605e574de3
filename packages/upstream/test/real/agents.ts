import { type DefaultSyncEngine, registerEngine } from '@kcp-tmc/engine';
import {
  DOWNSTREAM_CLUSTER_LABEL,
  DOWNSTREAM_KUBE_CLIENT,
  DOWNSTREAM_SYNCER,
  type KubeClient,
  type KubeObject,
  SYNC_ENGINE,
  SYNC_TARGET,
  type SyncTargetRef,
  UPSTREAM_KUBE_CLIENT,
} from '@kcp-tmc/interfaces';
import { type KubeRegistration, registerKube } from '@kcp-tmc/kube';
import type { RealKubeApiserver } from '@kcp-tmc/testing';
import { createSyncTarget, kubeSide } from '@kcp-tmc/testing/kit';
import { registerTransformation } from '@kcp-tmc/transformation';
import { container } from 'tsyringe';
import { registerUpstream } from '../../src/register.js';
import { DEPLOYMENTS } from '../support/agents.js';
import { SpecPathSyncer } from '../support/spec-syncer.js';
import { eventually } from '../support/wait.js';

/** The logical cluster plain-mode informers key upstream objects under. */
export const PLAIN_CLUSTER = 'plain';

/** An admin client on a real server (plain: no logical clusters), and a way to close it. */
export function adminClient(server: RealKubeApiserver): { client: KubeClient; close(): Promise<void> } {
  const c = container.createChildContainer();
  const side = kubeSide(server, { informers: false });
  const registration = registerKube(c, { upstream: side, downstream: side });
  return { client: c.resolve<KubeClient>(UPSTREAM_KUBE_CLIENT), close: () => registration.close() };
}

export interface RealAgent {
  readonly ref: SyncTargetRef;
  readonly downstreamClient: KubeClient;
  readonly engine: DefaultSyncEngine;
  /** The downstream copy of an upstream Deployment, once the spec path wrote it. */
  downstreamDeployment(name: string): Promise<KubeObject>;
  stop(): Promise<void>;
}

/**
 * One agent as the composition root builds it, minus @kcp-tmc/downstream (the same stand-in spec path as the
 * simulator suites): a SyncTarget syncing Deployments on a plain real upstream, the kube stack on both sides,
 * the engine and registerUpstream in plain mode. Several agents may share one downstream server: each has its
 * own SyncTarget key, so its own downstream namespaces and ownership label.
 */
export async function startRealAgent(
  upstream: RealKubeApiserver,
  downstream: RealKubeApiserver,
  name: string,
): Promise<RealAgent> {
  const c = container.createChildContainer();
  const registration: KubeRegistration = registerKube(c, {
    upstream: kubeSide(upstream, { informers: { useClusterAnnotation: false, clusterName: PLAIN_CLUSTER } }),
    downstream: kubeSide(downstream),
  });
  const upstreamClient = c.resolve<KubeClient>(UPSTREAM_KUBE_CLIENT);
  const syncedResources = ['apps/v1/deployments'];
  const { ref } = await createSyncTarget(upstreamClient, {
    cluster: PLAIN_CLUSTER,
    name,
    plain: true,
    syncedResources,
  });
  const downstreamClient = c.resolve<KubeClient>(DOWNSTREAM_KUBE_CLIENT);
  c.register(SYNC_TARGET, { useValue: ref });
  c.register(DOWNSTREAM_SYNCER, { useValue: new SpecPathSyncer(downstreamClient) });
  registerTransformation(c);
  registerEngine(c, {
    upstreamMode: 'plain',
    config: { resyncPeriodMs: 0, cacheSyncTimeoutMs: 30_000, shutdownTimeoutMs: 5_000, workerCount: 4 },
  });
  registerUpstream(c, { upstreamMode: 'plain' });
  const engine = c.resolve<DefaultSyncEngine>(SYNC_ENGINE);
  return {
    ref,
    downstreamClient,
    engine,
    downstreamDeployment: (deployment) =>
      eventually(`Deployment ${deployment} downstream for ${name}`, async () => {
        const list = await downstreamClient.list(DEPLOYMENTS, undefined, {
          labelSelector: `${DOWNSTREAM_CLUSTER_LABEL}=${ref.key}`,
        });
        return list.items.find((d) => d.metadata.name === deployment);
      }),
    async stop() {
      await engine.stop();
      await registration.close();
    },
  };
}

/**
 * Writes a Deployment's status downstream as its controller and a kubelet would (there is neither on a bare
 * control plane): `ready` of the spec's replicas ready and available, observedGeneration current.
 */
export async function writeDeploymentStatus(
  client: KubeClient,
  deployment: KubeObject,
  ready: number,
): Promise<void> {
  const replicas = (deployment.spec as { replicas?: number } | undefined)?.replicas ?? 1;
  const namespace = deployment.metadata.namespace as string;
  const name = deployment.metadata.name as string;
  // Re-read and retry on 409: the spec path may update the object meanwhile.
  await eventually(`status of ${namespace}/${name} written`, async () => {
    const current = await client.get(DEPLOYMENTS, { namespace, name });
    await client.updateStatus(
      DEPLOYMENTS,
      {
        ...current,
        status: {
          observedGeneration: current.metadata.generation,
          replicas,
          updatedReplicas: replicas,
          readyReplicas: ready,
          availableReplicas: ready,
          ...(ready < replicas ? { unavailableReplicas: replicas - ready } : {}),
        },
      },
      { namespace },
    );
    return true;
  });
}
