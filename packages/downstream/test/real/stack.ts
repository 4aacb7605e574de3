import { registerConflict } from '@kcp-tmc/conflict';
import { type DefaultSyncEngine, registerEngine } from '@kcp-tmc/engine';
import {
  DOWNSTREAM_KUBE_CLIENT,
  DOWNSTREAM_SYNCER,
  type GVR,
  type KubeClient,
  type KubeObject,
  parseGvr,
  SYNC_ENGINE,
  SYNC_TARGET,
  UPSTREAM_KUBE_CLIENT,
} from '@kcp-tmc/interfaces';
import { type KubeRegistration, registerKube } from '@kcp-tmc/kube';
import type { RealKubeApiserver } from '@kcp-tmc/testing';
import { createSyncTarget, kubeSide } from '@kcp-tmc/testing/kit';
import { registerTransformation } from '@kcp-tmc/transformation';
import { container } from 'tsyringe';
import type { DefaultDownstreamSyncer } from '../../src/downstream-syncer.js';
import { registerDownstream } from '../../src/register.js';
import { RecordingDownstreamSyncer } from '../support/stack.js';

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
    async downstreamGet(gvr: GVR | string, namespace: string, name: string): Promise<KubeObject | undefined> {
      const g = typeof gvr === 'string' ? parseGvr(gvr) : gvr;
      return downstreamClient
        .get(g, { name, ...(namespace === '' ? {} : { namespace }) })
        .catch((err: { type?: string }) => {
          if (err.type === 'NotFound') return undefined;
          throw err;
        });
    },
    close: () => registration.close(),
  };
}

export type RealSides = Awaited<ReturnType<typeof realSides>>;

export interface RealAgent {
  readonly engine: DefaultSyncEngine;
  readonly syncer: RecordingDownstreamSyncer;
  stop(): Promise<void>;
}

/** The real spec path as the agent wires it (kube, transformation, conflict, downstream, engine), plain mode. */
export async function startRealAgent(sides: RealSides): Promise<RealAgent> {
  const c = container.createChildContainer();
  const registration: KubeRegistration = registerKube(c, {
    upstream: kubeSide(sides.upstream, {
      informers: { useClusterAnnotation: false, clusterName: PLAIN_CLUSTER },
    }),
    downstream: kubeSide(sides.downstream),
  });
  c.register(SYNC_TARGET, { useValue: sides.ref });
  registerTransformation(c);
  // A plain upstream has no /clusters/<name> prefix for the finalizer and Event writes.
  registerDownstream(c, {
    upstreamByCluster: false,
    config: { namespaceCleanDelayMs: 500 },
    deleteRecheckMs: 100,
  });
  registerConflict(c);
  registerEngine(c, {
    upstreamMode: 'plain',
    config: {
      resyncPeriodMs: 0,
      cacheSyncTimeoutMs: 30_000,
      shutdownTimeoutMs: 5_000,
      rateLimitPerSec: 100_000,
      burst: 100_000,
    },
  });
  const inner = c.resolve<DefaultDownstreamSyncer>(DOWNSTREAM_SYNCER);
  const syncer = new RecordingDownstreamSyncer(inner);
  c.register(DOWNSTREAM_SYNCER, { useValue: syncer });
  const engine = c.resolve<DefaultSyncEngine>(SYNC_ENGINE);
  await engine.start();
  return {
    engine,
    syncer,
    async stop() {
      await engine.stop();
      inner.stop();
      await registration.close();
    },
  };
}
