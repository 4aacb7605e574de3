import { DefaultSyncEngine, registerEngine } from '@kcp-tmc/engine';
import {
  DOWNSTREAM_KUBE_CLIENT,
  DOWNSTREAM_SYNCER,
  type KubeClient,
  type KubeObject,
  ResourceStateValue,
  SYNC_ENGINE,
  SYNC_TARGET,
  type SyncTargetRef,
  stateLabel,
  UPSTREAM_KUBE_CLIENT,
} from '@kcp-tmc/interfaces';
import { type KubeRegistration, registerKube } from '@kcp-tmc/kube';
import { type KubeSimulator, placeNamespace, startKubeSimulator } from '@kcp-tmc/testing';
import { createSyncTarget, kubeSide } from '@kcp-tmc/testing/kit';
import { registerTransformation } from '@kcp-tmc/transformation';
import { container, type DependencyContainer } from 'tsyringe';
import { type RegisterUpstreamOptions, registerUpstream } from '../../src/register.js';
import { SpecPathSyncer } from './spec-syncer.js';

export const SYNC_TARGET_CLUSTER = 'root:org';
export const WORKLOAD_CLUSTER = 'root:org:ws-a';
export const DEPLOYMENTS = { group: 'apps', version: 'v1', resource: 'deployments' } as const;
export const EVENTS = { group: '', version: 'v1', resource: 'events' } as const;

export interface Upstream {
  sim: KubeSimulator;
  /** On the bare kcp server: pass `{ cluster }`. */
  client: KubeClient;
  close(): Promise<void>;
}

/** A kcp-mode simulator holding the SyncTargets' workspace and one workload workspace. */
export async function startUpstream(): Promise<Upstream> {
  const sim = await startKubeSimulator({ kcp: { clusters: [SYNC_TARGET_CLUSTER, WORKLOAD_CLUSTER] } });
  const admin = container.createChildContainer();
  const side = kubeSide(sim, { kcp: true, informers: false });
  const registration = registerKube(admin, { upstream: side, downstream: side });
  return {
    sim,
    client: admin.resolve<KubeClient>(UPSTREAM_KUBE_CLIENT),
    async close() {
      await registration.close();
      await sim.stop();
    },
  };
}

export interface Agent {
  ref: SyncTargetRef;
  downstream: KubeSimulator;
  downstreamClient: KubeClient;
  container: DependencyContainer;
  engine: DefaultSyncEngine;
  stop(): Promise<void>;
}

/**
 * One syncer agent as the composition root would build it, minus the downstream package: a SyncTarget
 * syncing Deployments, with the workload workspace's `default` namespace placed on it, a downstream simulator with the fake controllers, the kube stack on both sides, the
 * engine in kcp wildcard mode, the real transformation pipeline, the SpecPathSyncer, and registerUpstream.
 */
export async function startAgent(
  upstream: Upstream,
  name: string,
  upstreamOptions: RegisterUpstreamOptions = {},
  bind?: (c: DependencyContainer) => void,
): Promise<Agent> {
  const downstream = await startKubeSimulator({ controllers: { podReadyDelayMs: 20 } });
  const { ref } = await createSyncTarget(upstream.client, {
    cluster: SYNC_TARGET_CLUSTER,
    name,
    syncedResources: ['apps/v1/deployments'],
  });
  // kcp's Placement puts the workload workspace's `default` namespace on this SyncTarget; kcp's resource
  // controller copies the label onto its contents (and removes a state label the namespace lacks).
  await placeNamespace(upstream.sim, WORKLOAD_CLUSTER, 'default', ref.key);
  const c = container.createChildContainer();
  const registration: KubeRegistration = registerKube(c, {
    upstream: kubeSide(upstream.sim, { kcp: true }),
    downstream: kubeSide(downstream),
  });
  const downstreamClient = c.resolve<KubeClient>(DOWNSTREAM_KUBE_CLIENT);
  c.register(SYNC_TARGET, { useValue: ref });
  c.register(DOWNSTREAM_SYNCER, { useValue: new SpecPathSyncer(downstreamClient) });
  registerTransformation(c);
  registerEngine(c, {
    upstreamMode: 'wildcard',
    config: { resyncPeriodMs: 0, cacheSyncTimeoutMs: 20_000, shutdownTimeoutMs: 5_000, workerCount: 4 },
  });
  registerUpstream(c, { upstreamMode: 'wildcard', ...upstreamOptions });
  bind?.(c);
  const engine = c.resolve<DefaultSyncEngine>(SYNC_ENGINE);
  return {
    ref,
    downstream,
    downstreamClient,
    container: c,
    engine,
    async stop() {
      await engine.stop();
      await registration.close();
      await downstream.stop();
    },
  };
}

/** A Deployment in the workload workspace's `default` namespace, scheduled to the given SyncTargets. */
export function deployment(name: string, replicas: number, targets: readonly SyncTargetRef[]): KubeObject {
  const labels: Record<string, string> = { app: name };
  for (const target of targets) labels[stateLabel(target.key)] = ResourceStateValue.Sync;
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: 'default', labels },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: { containers: [{ name: 'main', image: 'registry.example/app:1' }] },
      },
    },
  };
}
