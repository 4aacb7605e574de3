import {
  CLUSTER_ANNOTATION,
  DEFAULT_ENGINE_CONFIG,
  DEFAULT_FEATURE_GATES,
  DOWNSTREAM_CLUSTER_LABEL,
  type EngineConfig,
  type FailureReporter,
  type FeatureGates,
  type GVR,
  type HeartbeatReporter,
  type KubeObject,
  type LeaderElection,
  NOOP_LOGGER,
  parseGvr,
  ResourceStateValue,
  SYNC_TARGET_GVR,
  SYSTEM_CLOCK,
  type SyncMetrics,
  type SyncTarget,
  type SyncTargetRef,
  stateLabel,
  type TransformationPipeline,
} from '@kcp-tmc/interfaces';
import { downstreamSyncerInformers, upstreamSyncerInformers } from '../../src/controller/syncer-informers.js';
import { DefaultSyncEngine } from '../../src/engine.js';
import { SyncTargetGvrSource } from '../../src/gvr-source.js';
import { InformerNamespaceLocatorLookup } from '../../src/namespace-lookup.js';
import type { EngineOptions } from '../../src/options.js';
import { PriorityFilterRegistry } from '../../src/registries.js';
import { FakeAccessClient } from './fake-access-client.js';
import { FakeInformer, FakeInformerFactory } from './fake-informer.js';
import { RecordingSyncer } from './recording-syncer.js';

export const SYNC_TARGET_REF: SyncTargetRef = {
  cluster: 'root:org',
  name: 'east',
  uid: 'st-uid',
  key: 'k3y',
};

export interface HarnessOptions {
  config?: Partial<EngineConfig>;
  options?: EngineOptions;
  gates?: Partial<FeatureGates>;
  syncedResources?: string[];
  pipeline?: TransformationPipeline;
  metrics?: SyncMetrics;
  heartbeat?: HeartbeatReporter;
  failures?: FailureReporter;
  withStatusAndEvents?: boolean;
  leader?: LeaderElection;
}

/** An engine wired to fakes of every contract (informers, access reviews) and a recording syncer. */
export function engineHarness(input: HarnessOptions = {}) {
  const config: EngineConfig = { ...DEFAULT_ENGINE_CONFIG, resyncPeriodMs: 0, ...input.config };
  const options: EngineOptions = { upstreamMode: 'virtual-workspace', ...input.options };
  const gates: FeatureGates = { ...DEFAULT_FEATURE_GATES, ...input.gates };
  const upstream = new FakeInformerFactory();
  const downstream = new FakeInformerFactory();
  const upstreamInformers = upstreamSyncerInformers(upstream, SYNC_TARGET_REF, config, options);
  const downstreamInformers = downstreamSyncerInformers(downstream, SYNC_TARGET_REF, config);
  const client = new FakeAccessClient();
  const syncer = new RecordingSyncer();
  const filters = new PriorityFilterRegistry();
  const settings = { config, options, gates, clock: SYSTEM_CLOCK, logger: NOOP_LOGGER };
  const gvrSource = new SyncTargetGvrSource(upstream, client, SYNC_TARGET_REF, settings);
  const locators = new InformerNamespaceLocatorLookup(downstreamInformers, options);
  const withUp = input.withStatusAndEvents ?? true;
  const engine = new DefaultSyncEngine(
    SYNC_TARGET_REF,
    { upstream: upstreamInformers, downstream: downstreamInformers, upstreamFactory: upstream },
    gvrSource,
    {
      filters,
      downstream: syncer,
      ...(withUp ? { status: syncer, events: syncer } : {}),
      pipeline: input.pipeline,
      locators,
    },
    settings,
    { metrics: input.metrics, heartbeat: input.heartbeat, failures: input.failures },
    undefined,
    input.leader,
  );
  const setSyncedResources = (gvrs: string[]): void => {
    upstream
      .informerFor({
        gvr: SYNC_TARGET_GVR,
        fieldSelector: `metadata.name=${SYNC_TARGET_REF.name}`,
        ...(options.upstreamMode === 'plain' ? {} : { cluster: 'root:org' }),
      })
      .upsert(syncTargetWith(gvrs));
  };
  setSyncedResources(input.syncedResources ?? ['apps/v1/deployments']);
  return {
    engine,
    upstream,
    downstream,
    downstreamInformers,
    client,
    syncer,
    filters,
    gvrSource,
    config,
    syncTarget: SYNC_TARGET_REF,
    setSyncedResources,
    /** The upstream informer the engine uses (or will use) for a GVR. */
    up: (gvr: string): FakeInformer => upstreamInformers.informerFor(parseGvr(gvr)) as FakeInformer,
    down: (gvr: string): FakeInformer => downstreamInformers.informerFor(parseGvr(gvr)) as FakeInformer,
  };
}

/** The harness SyncTarget, with these GVRs Accepted. */
function syncTargetWith(gvrs: string[]): SyncTarget {
  return {
    apiVersion: 'workload.kcp.io/v1alpha1',
    kind: 'SyncTarget',
    metadata: { name: SYNC_TARGET_REF.name, uid: SYNC_TARGET_REF.uid },
    status: {
      syncedResources: gvrs.map((text) => {
        const gvr = parseGvr(text);
        return {
          group: gvr.group,
          resource: gvr.resource,
          versions: [gvr.version],
          state: 'Accepted' as const,
        };
      }),
    },
  };
}

/** An upstream object of a logical cluster, scheduled to the harness SyncTarget. */
export function upstreamObject(
  gvr: GVR | string,
  cluster: string,
  namespace: string,
  name: string,
  extra: Partial<KubeObject> = {},
): KubeObject {
  const g = typeof gvr === 'string' ? parseGvr(gvr) : gvr;
  return {
    apiVersion: g.group === '' ? g.version : `${g.group}/${g.version}`,
    kind: 'Thing',
    ...extra,
    metadata: {
      name,
      ...(namespace === '' ? {} : { namespace }),
      resourceVersion: '1',
      annotations: { [CLUSTER_ANNOTATION]: cluster },
      labels: { [stateLabel(SYNC_TARGET_REF.key)]: ResourceStateValue.Sync },
      ...extra.metadata,
    },
  };
}

/** A downstream object owned by the harness SyncTarget. */
export function downstreamObject(
  namespace: string,
  name: string,
  extra: Partial<KubeObject> = {},
): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    ...extra,
    metadata: {
      name,
      ...(namespace === '' ? {} : { namespace }),
      labels: { [DOWNSTREAM_CLUSTER_LABEL]: SYNC_TARGET_REF.key },
      ...extra.metadata,
    },
  };
}
