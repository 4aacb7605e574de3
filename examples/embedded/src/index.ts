import { registerConflict } from '@kcp-tmc/conflict';
import { registerDownstream } from '@kcp-tmc/downstream';
import { registerEngine } from '@kcp-tmc/engine';
import {
  type KubeClient,
  SYNC_ENGINE,
  SYNC_TARGET,
  SYNC_TARGET_GVR,
  type SyncEngine,
  type SyncTarget,
  syncTargetRefOf,
  UPSTREAM_KUBE_CLIENT,
} from '@kcp-tmc/interfaces';
import { registerKube } from '@kcp-tmc/kube';
import { registerTransformation } from '@kcp-tmc/transformation';
import { container } from 'tsyringe';

export interface EmbeddedSyncerOptions {
  /** Kubeconfig YAML of a plain Kubernetes upstream that holds the SyncTarget. */
  upstreamKubeconfig: string;
  downstreamKubeconfig: string;
  syncTargetName: string;
  /** The cluster name objects are keyed under, and the SyncTarget key's cluster part. */
  clusterName?: string;
}

/**
 * Spec sync only, in your own process: the engine and the downstream syncer as libraries, composed by hand
 * (no agent, no CLI, no heartbeat, no metrics). Status and events stay where they are; add registerUpstream
 * for those.
 */
export async function startEmbeddedSyncer(
  options: EmbeddedSyncerOptions,
): Promise<{ engine: SyncEngine; stop(): Promise<void> }> {
  const cluster = options.clusterName ?? 'default';
  const c = container.createChildContainer();
  const kube = registerKube(c, {
    upstream: {
      kubeconfig: { kubeconfig: options.upstreamKubeconfig },
      informers: { useClusterAnnotation: false, clusterName: cluster },
    },
    downstream: { kubeconfig: { kubeconfig: options.downstreamKubeconfig } },
  });
  const target = (await c
    .resolve<KubeClient>(UPSTREAM_KUBE_CLIENT)
    .get(SYNC_TARGET_GVR, { name: options.syncTargetName })) as SyncTarget;
  c.register(SYNC_TARGET, { useValue: syncTargetRefOf(cluster, target) });
  registerTransformation(c);
  registerConflict(c);
  registerDownstream(c, { upstreamByCluster: false });
  registerEngine(c, { upstreamMode: 'plain', config: { workerCount: 2 } });
  const engine = c.resolve<SyncEngine>(SYNC_ENGINE);
  await engine.start();
  return {
    engine,
    async stop() {
      await engine.stop();
      await kube.close();
    },
  };
}
