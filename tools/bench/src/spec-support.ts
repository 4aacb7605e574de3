import { registerConflict } from '@kcp-tmc/conflict';
import { registerDownstream } from '@kcp-tmc/downstream';
import { type DefaultSyncEngine, registerEngine } from '@kcp-tmc/engine';
import {
  type ApplyRequest,
  type DeleteRequest,
  DOWNSTREAM_KUBE_CLIENT,
  DOWNSTREAM_SYNCER,
  type DownstreamSyncer,
  type KubeClient,
  type KubeObject,
  parseGvr,
  ResourceStateValue,
  SYNC_ENGINE,
  SYNC_TARGET,
  SYNC_TARGET_GVR,
  type SyncResult,
  type SyncTarget,
  type SyncTargetRef,
  stateLabel,
  toSyncTargetKey,
  UPSTREAM_KUBE_CLIENT,
} from '@kcp-tmc/interfaces';
import { type KubeRegistration, registerKube } from '@kcp-tmc/kube';
import { type KubeSimulator, startKubeSimulator } from '@kcp-tmc/testing';
import { registerTransformation } from '@kcp-tmc/transformation';
import { container } from 'tsyringe';

export const SPEC_CLUSTER = 'root:org';
export const WORKLOAD_CLUSTER = 'root:org:ws';
export const CONFIGMAPS = parseGvr('v1/configmaps');
const NAMESPACES = parseGvr('v1/namespaces');

export interface SpecWorld {
  readonly upstream: KubeSimulator;
  readonly downstream: KubeSimulator;
  readonly upstreamClient: KubeClient;
  readonly downstreamClient: KubeClient;
  readonly ref: SyncTargetRef;
  stop(): Promise<void>;
}

/** Two in-process simulators (upstream in kcp mode) and a SyncTarget syncing ConfigMaps. */
export async function startSpecWorld(): Promise<SpecWorld> {
  const upstream = await startKubeSimulator({ kcp: { clusters: [SPEC_CLUSTER, WORKLOAD_CLUSTER] } });
  const downstream = await startKubeSimulator();
  const admin = container.createChildContainer();
  const registration = registerKube(admin, {
    upstream: { kubeconfig: { kubeconfig: upstream.kubeconfig, context: 'base' }, transport: { qps: 0 } },
    downstream: { kubeconfig: { kubeconfig: downstream.kubeconfig }, transport: { qps: 0 } },
  });
  const upstreamClient = admin.resolve<KubeClient>(UPSTREAM_KUBE_CLIENT);
  const downstreamClient = admin.resolve<KubeClient>(DOWNSTREAM_KUBE_CLIENT);
  const scope = { cluster: SPEC_CLUSTER };
  const created = (await upstreamClient.create(
    SYNC_TARGET_GVR,
    { apiVersion: 'workload.kcp.io/v1alpha1', kind: 'SyncTarget', metadata: { name: 'bench' } },
    scope,
  )) as SyncTarget;
  const current = await upstreamClient.get(SYNC_TARGET_GVR, { name: 'bench', ...scope });
  await upstreamClient.updateStatus(
    SYNC_TARGET_GVR,
    {
      ...current,
      status: {
        ...(current.status as object),
        syncedResources: [{ group: '', resource: 'configmaps', versions: ['v1'], state: 'Accepted' }],
      },
    },
    scope,
  );
  const ref: SyncTargetRef = {
    cluster: SPEC_CLUSTER,
    name: 'bench',
    uid: created.metadata.uid as string,
    key: toSyncTargetKey(SPEC_CLUSTER, 'bench'),
  };
  return {
    upstream,
    downstream,
    upstreamClient,
    downstreamClient,
    ref,
    async stop() {
      await registration.close();
      await Promise.all([upstream.stop(), downstream.stop()]);
    },
  };
}

/** Counts successful applies the engine hands the real downstream syncer. */
export class CountingSyncer implements DownstreamSyncer {
  applied = 0;
  failed = 0;
  constructor(private readonly inner: DownstreamSyncer) {}
  async apply(request: ApplyRequest): Promise<SyncResult> {
    const result = await this.inner.apply(request);
    if (result.success && result.operation !== 'noop') this.applied++;
    else if (!result.success) this.failed++;
    return result;
  }
  delete(request: DeleteRequest): Promise<SyncResult> {
    return this.inner.delete(request);
  }
  planNamespaceCleaning(downstreamNamespace: string): void {
    this.inner.planNamespaceCleaning(downstreamNamespace);
  }
  cancelNamespaceCleaning(downstreamNamespace: string): void {
    this.inner.cancelNamespaceCleaning(downstreamNamespace);
  }
}

export interface SpecAgent {
  readonly engine: DefaultSyncEngine;
  readonly syncer: CountingSyncer;
  stop(): Promise<void>;
}

/** The spec path as the agent wires it (kcp wildcard mode), not started. */
export function specAgent(w: SpecWorld, workerCount: number): SpecAgent {
  const c = container.createChildContainer();
  const registration: KubeRegistration = registerKube(c, {
    upstream: { kubeconfig: { kubeconfig: w.upstream.kubeconfig, context: 'base' }, transport: { qps: 0 } },
    downstream: { kubeconfig: { kubeconfig: w.downstream.kubeconfig }, transport: { qps: 0 } },
  });
  c.register(SYNC_TARGET, { useValue: w.ref });
  registerTransformation(c);
  registerDownstream(c, {});
  registerConflict(c);
  registerEngine(c, {
    upstreamMode: 'wildcard',
    config: {
      workerCount,
      resyncPeriodMs: 0,
      cacheSyncTimeoutMs: 120_000,
      shutdownTimeoutMs: 10_000,
      rateLimitPerSec: 1_000_000,
      burst: 1_000_000,
    },
  });
  const inner = c.resolve<DownstreamSyncer & { stop?: () => void }>(DOWNSTREAM_SYNCER);
  const syncer = new CountingSyncer(inner);
  c.register(DOWNSTREAM_SYNCER, { useValue: syncer });
  const engine = c.resolve<DefaultSyncEngine>(SYNC_ENGINE);
  return {
    engine,
    syncer,
    async stop() {
      await engine.stop();
      inner.stop?.();
      await registration.close();
    },
  };
}

/** Runs `task(i)` for i in [0, n) with at most `width` in flight. */
export async function inFlight(
  n: number,
  width: number,
  task: (i: number) => Promise<unknown>,
): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < n) {
      const i = next++;
      await task(i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(width, n) }, lane));
}

export function benchConfigMap(name: string, namespace: string, labels: Record<string, string>): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name, namespace, labels: { app: 'bench', ...labels } },
    data: { key: name, payload: 'x'.repeat(256) },
  };
}

export function syncSelected(ref: SyncTargetRef): Record<string, string> {
  return { [stateLabel(ref.key)]: ResourceStateValue.Sync };
}

export async function createNamespaces(client: KubeClient, names: string[], cluster?: string): Promise<void> {
  for (const name of names) {
    await client.create(
      NAMESPACES,
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name } },
      cluster === undefined ? {} : { cluster },
    );
  }
}

/** Polls `condition` until it holds (a deadline, not a sleep: it returns as soon as the state is reached). */
export async function until(condition: () => boolean, what: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

export const round = (value: number, digits = 2): number => Number(value.toFixed(digits));
