import { registerConflict } from '@kcp-tmc/conflict';
import { type DefaultSyncEngine, registerEngine } from '@kcp-tmc/engine';
import {
  DOWNSTREAM_KUBE_CLIENT,
  DOWNSTREAM_SYNCER,
  type DownstreamConfig,
  type GVR,
  type KubeClient,
  type KubeObject,
  namespaceLocator,
  parseGvr,
  physicalClusterNamespaceName,
  SYNC_ENGINE,
  SYNC_TARGET,
  type SyncTargetRef,
  UPSTREAM_KUBE_CLIENT,
} from '@kcp-tmc/interfaces';
import { type KubeRegistration, registerKube } from '@kcp-tmc/kube';
import { type KubeSimulator, placedNamespace, startKubeSimulator } from '@kcp-tmc/testing';
import { createSyncTarget, kubeSide, openCrd } from '@kcp-tmc/testing/kit';
import {
  registerTransformation,
  type TransformationOptions,
  WORKSPACE_NAMESERVER_PROVIDER,
} from '@kcp-tmc/transformation';
import { container, type DependencyContainer, instancePerContainerCachingFactory } from 'tsyringe';
import { afterAll, beforeAll } from 'vitest';
import type { WorkspaceDnsOptions } from '../../src/dns/workspace-dns.js';
import { DefaultDownstreamSyncer } from '../../src/downstream-syncer.js';
import { type RegisterDownstreamOptions, registerDownstream } from '../../src/register.js';
import { WORKSPACE_DNS } from '../../src/tokens.js';
import { RecordingDownstreamSyncer } from './recording-syncer.js';
import { eventually } from './wait.js';

export const SYNC_TARGET_CLUSTER = 'root:org';
export const WORKLOAD_CLUSTERS = ['root:org:ws-a', 'root:org:ws-b', 'root:org:ws-c'];
export const WIDGETS = parseGvr('example.com/v1/widgets');
export const SYNCED_RESOURCES = [
  'apps/v1/deployments',
  'v1/services',
  'batch/v1/jobs',
  'v1/persistentvolumeclaims',
  'example.com/v1/widgets',
];

const widgetCrd = () => openCrd({ group: 'example.com', kind: 'Widget' }) as KubeObject;

const CRDS = parseGvr('apiextensions.k8s.io/v1/customresourcedefinitions');
const NAMESPACES = parseGvr('v1/namespaces');

export interface Sims {
  readonly upstream: KubeSimulator;
  readonly downstream: KubeSimulator;
  /** Upstream client on the bare kcp server: pass `{ cluster }`. */
  readonly upstreamClient: KubeClient;
  readonly downstreamClient: KubeClient;
  readonly ref: SyncTargetRef;
  /**
   * Creates `namespace` in `cluster` upstream, placed on the SyncTarget as kcp's Placement scheduling leaves it:
   * kcp's resource controller removes a state label from objects whose namespace lacks it
   * (pkg/reconciler/workload/resource).
   */
  placeNamespace(cluster: string, namespace: string): Promise<void>;
  /** The downstream namespace of `namespace` in `cluster`, as kcp's syncer names it. */
  downstreamNamespace(cluster: string, namespace: string): string;
  stop(): Promise<void>;
}

/** Two simulators (upstream in kcp mode with three workload clusters), a SyncTarget and the Widget CRD on both. */
export async function startSims(): Promise<Sims> {
  const upstream = await startKubeSimulator({
    kcp: { clusters: [SYNC_TARGET_CLUSTER, ...WORKLOAD_CLUSTERS] },
  });
  const downstream = await startKubeSimulator();
  const admin = container.createChildContainer();
  const registration = registerKube(admin, {
    upstream: kubeSide(upstream, { kcp: true, informers: false }),
    downstream: kubeSide(downstream, { informers: false }),
  });
  const upstreamClient = admin.resolve<KubeClient>(UPSTREAM_KUBE_CLIENT);
  const downstreamClient = admin.resolve<KubeClient>(DOWNSTREAM_KUBE_CLIENT);
  const { ref } = await createSyncTarget(upstreamClient, {
    cluster: SYNC_TARGET_CLUSTER,
    name: 'east',
    syncedResources: SYNCED_RESOURCES,
  });
  await downstreamClient.create(CRDS, widgetCrd());
  for (const cluster of [SYNC_TARGET_CLUSTER, ...WORKLOAD_CLUSTERS]) {
    await upstreamClient.create(CRDS, widgetCrd(), { cluster });
  }
  await eventually(
    async () => {
      const mapping = await downstreamClient.mapping(WIDGETS).catch(() => undefined);
      return mapping !== undefined;
    },
    20_000,
    'Widget CRD in downstream discovery',
  );
  return {
    upstream,
    downstream,
    upstreamClient,
    downstreamClient,
    ref,
    async placeNamespace(cluster, namespace) {
      await upstreamClient.create(NAMESPACES, placedNamespace(namespace, ref.key), { cluster });
    },
    downstreamNamespace: (cluster, namespace) =>
      physicalClusterNamespaceName(namespaceLocator(cluster, ref, namespace)),
    async stop() {
      await registration.close();
      await Promise.all([upstream.stop(), downstream.stop()]);
    },
  };
}

/** The simulators of one describe block, and the agent its tests run on them (set it to have it stopped). */
export interface SimsSuite {
  readonly sims: Sims;
  agent: Agent | undefined;
}

/** Starts the simulators before the block's tests and stops the agent left running and them after. */
export function simsSuite(): SimsSuite {
  let sims: Sims | undefined;
  const suite = {
    get sims(): Sims {
      if (sims === undefined) throw new Error('the simulators start in beforeAll');
      return sims;
    },
    agent: undefined as Agent | undefined,
  };
  beforeAll(async () => {
    sims = await startSims();
  }, 60_000);
  afterAll(async () => {
    await suite.agent?.stop();
    await sims?.stop();
  });
  return suite;
}

export interface Agent {
  readonly container: DependencyContainer;
  readonly engine: DefaultSyncEngine;
  readonly syncer: RecordingDownstreamSyncer;
  stop(): Promise<void>;
}

export interface SpecPathOptions {
  readonly ref: SyncTargetRef;
  readonly upstreamMode: 'wildcard' | 'plain';
  readonly downstream: RegisterDownstreamOptions;
  readonly transformation?: TransformationOptions;
  readonly cacheSyncTimeoutMs: number;
}

/**
 * The spec path on `c`, whose kube stack `registration` holds, as the agent wires it: transformation, downstream,
 * conflict and the engine (no resync, no rate limit), with a RecordingDownstreamSyncer in front of the real
 * syncer; the engine started. Stopping it closes `registration`.
 */
export async function startSpecPath(
  c: DependencyContainer,
  registration: KubeRegistration,
  { ref, upstreamMode, downstream, transformation = {}, cacheSyncTimeoutMs }: SpecPathOptions,
): Promise<Agent> {
  c.register(SYNC_TARGET, { useValue: ref });
  registerTransformation(c, transformation);
  registerDownstream(c, downstream);
  registerConflict(c);
  registerEngine(c, {
    upstreamMode,
    config: {
      resyncPeriodMs: 0,
      cacheSyncTimeoutMs,
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
    container: c,
    engine,
    syncer,
    async stop() {
      await engine.stop();
      inner.stop();
      await registration.close();
    },
  };
}

export interface AgentOptions {
  readonly config?: Partial<DownstreamConfig>;
  readonly transformation?: TransformationOptions;
  /** kcp's per-workspace DNS, wired as the agent does with `--dns-image` and `NAMESPACE`. */
  readonly dns?: WorkspaceDnsOptions;
  /** registerDownstream's object size limit. */
  readonly maxObjectBytes?: number;
}

/** The real spec path as the agent wires it (startSpecPath) on the simulators, kcp wildcard mode. */
export async function startAgent(
  sims: Sims,
  { config = {}, transformation = {}, dns, maxObjectBytes }: AgentOptions = {},
): Promise<Agent> {
  const c = container.createChildContainer();
  const registration = registerKube(c, {
    upstream: kubeSide(sims.upstream, { kcp: true }),
    downstream: kubeSide(sims.downstream),
  });
  if (dns !== undefined) {
    c.register(WORKSPACE_NAMESERVER_PROVIDER, {
      useFactory: instancePerContainerCachingFactory((r) => r.resolve(WORKSPACE_DNS)),
    });
  }
  return startSpecPath(c, registration, {
    ref: sims.ref,
    upstreamMode: 'wildcard',
    downstream: {
      config: { namespaceCleanDelayMs: 500, ...config },
      deleteRecheckMs: 100,
      ...(dns === undefined ? {} : { dns }),
      ...(maxObjectBytes === undefined ? {} : { maxObjectBytes }),
    },
    transformation,
    cacheSyncTimeoutMs: 20_000,
  });
}

/** GET through `client`, undefined on 404. */
export async function getOrUndefined(
  client: KubeClient,
  gvr: GVR | string,
  namespace: string,
  name: string,
): Promise<KubeObject | undefined> {
  const g = typeof gvr === 'string' ? parseGvr(gvr) : gvr;
  return client
    .get(g, { name, ...(namespace === '' ? {} : { namespace }) })
    .catch((err: { type?: string }) => {
      if (err.type === 'NotFound') return undefined;
      throw err;
    });
}

/** Downstream GET, undefined on 404. */
export function downstreamGet(
  sims: Sims,
  gvr: GVR | string,
  namespace: string,
  name: string,
): Promise<KubeObject | undefined> {
  return getOrUndefined(sims.downstreamClient, gvr, namespace, name);
}
