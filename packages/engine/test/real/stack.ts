import {
  DOWNSTREAM_KUBE_CLIENT,
  type EngineConfig,
  encodeClusterKey,
  type GVR,
  type KubeClient,
  parseGvr,
  UPSTREAM_KUBE_CLIENT,
} from '@kcp-tmc/interfaces';
import { type KubeRegistration, registerKube } from '@kcp-tmc/kube';
import type { RealKubeApiserver } from '@kcp-tmc/testing';
import { createSyncTarget, kubeSide } from '@kcp-tmc/testing/kit';
import { container } from 'tsyringe';
import { registerRecordedEngine } from '../support/recorded-engine.js';

/** The cluster name plain-mode informers key upstream objects under. */
export const PLAIN_CLUSTER = 'plain';

export interface RealStackOptions {
  /** SyncTarget name: each test makes its own, so tests on one server stay apart. */
  readonly name: string;
  readonly syncedResources: readonly string[];
  readonly config?: Partial<EngineConfig>;
}

/**
 * The engine in plain mode against a real upstream (serving the SyncTarget CRD) and a real downstream, the
 * real kube stack on both sides, a RecordingSyncer on every syncer token. The servers outlive the stack: a
 * suite starts them once and each test brings its own SyncTarget (and so its own state label).
 */
export async function startRealStack(
  upstream: RealKubeApiserver,
  downstream: RealKubeApiserver,
  options: RealStackOptions,
) {
  const registrations: KubeRegistration[] = [];
  const c = container.createChildContainer();
  const registration = registerKube(c, {
    upstream: kubeSide(upstream, { informers: { useClusterAnnotation: false, clusterName: PLAIN_CLUSTER } }),
    downstream: kubeSide(downstream),
  });
  registrations.push(registration);
  const upstreamClient = c.resolve<KubeClient>(UPSTREAM_KUBE_CLIENT);
  // In plain mode the SyncTarget key still hashes a logical cluster name: any constant does.
  const { ref, setSyncedResources } = await createSyncTarget(upstreamClient, {
    cluster: PLAIN_CLUSTER,
    name: options.name,
    plain: true,
    syncedResources: options.syncedResources,
  });

  const recorded = registerRecordedEngine(c, ref, {
    upstreamMode: 'plain',
    cacheSyncTimeoutMs: 30_000,
    config: options.config,
  });
  return {
    ref,
    upstreamClient,
    downstreamClient: c.resolve<KubeClient>(DOWNSTREAM_KUBE_CLIENT),
    syncer: recorded.syncer,
    setSyncedResources,
    engine: recorded.engine,
    downKey(gvr: string | GVR, namespace: string, name: string): string {
      const g = typeof gvr === 'string' ? parseGvr(gvr) : gvr;
      return `down|${encodeClusterKey({ cluster: PLAIN_CLUSTER, gvr: g, namespace, name })}`;
    },
    async stop(): Promise<void> {
      await recorded.resolved()?.stop();
      for (const r of registrations) await r.close();
    },
  };
}

export type RealStack = Awaited<ReturnType<typeof startRealStack>>;
