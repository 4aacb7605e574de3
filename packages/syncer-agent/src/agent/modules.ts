import { registerConflict } from '@kcp-tmc/conflict';
import { registerDownstream, WORKSPACE_DNS, type WorkspaceDnsOptions } from '@kcp-tmc/downstream';
import { registerEngine, SYNC_TARGET_INFORMER_FACTORY } from '@kcp-tmc/engine';
import { registerHealth } from '@kcp-tmc/health';
import { registerHeartbeat } from '@kcp-tmc/heartbeat';
import {
  ADVANCED_SCHEDULING_ANNOTATION,
  type InformerFactory,
  type KubeClient,
  type Logger,
  type SyncTarget,
  type SyncTargetRef,
} from '@kcp-tmc/interfaces';
import type { LoadedKubeConfig as KubeConfig } from '@kcp-tmc/kube';
import { registerMetrics } from '@kcp-tmc/metrics';
import { registerTransformation, WORKSPACE_NAMESERVER_PROVIDER } from '@kcp-tmc/transformation';
import { registerUpstream } from '@kcp-tmc/upstream';
import { type DependencyContainer, instanceCachingFactory } from 'tsyringe';
import { type AgentOptions, DEFAULT_API_IMPORT_POLL_INTERVAL_MS, drainBudgetMs } from '../config/options.js';
import type { TlsOptions } from './credentials.js';
import { kcpTunnelModule } from './kcp-tunnel.js';
import { leaderElectionModule } from './leader.js';
import { tunnelModule } from './tunnel.js';
import { upsyncModule } from './upsync.js';

/** What every module may read while registering: the options and what start-up learned upstream. */
export interface CompositionContext {
  readonly options: AgentOptions;
  readonly syncTarget: SyncTarget;
  readonly ref: SyncTargetRef;
  /** A client of its own for heartbeats and the SyncTarget (the workers' rate limiter never delays it). */
  readonly syncTargetClient: KubeClient;
  /** A downstream client of its own for the engine's periodic rounds (access reviews, API-import discovery). */
  readonly sideDownstreamClient: KubeClient;
  readonly syncTargetInformers: InformerFactory;
  /** The `--from-kubeconfig` server: pods reach kcp there (kcp's pod-template mutation points them at it). */
  readonly upstreamServer?: string;
  /** The upstream bearer token, when the kubeconfig has one (the tunnel authenticates with it). */
  readonly upstreamToken?: string;
  /** The upstream kubeconfig's CA and client certificate, for the tunnel (read only with the Tunnel gate on). */
  readonly upstreamTls?: TlsOptions;
  /** The downstream kubeconfig, for the tunnel's exec upgrades (only with the Tunnel gate on). */
  readonly downstreamKubeConfig?: KubeConfig;
  readonly logger: Logger;
}

/** One step of the composition root: a package's `register*()` call with options taken from the agent's. */
export interface AgentModule {
  readonly name: string;
  register(container: DependencyContainer, context: CompositionContext): void;
}

export const transformationModule: AgentModule = {
  name: 'transformation',
  register: (container, { options, upstreamServer }) => {
    const kcp = options.upstreamMode !== 'plain';
    registerTransformation(container, {
      // In kcp modes Deployments get kcp's KUBERNETES_SERVICE_* env and kcp-api-access volume pointing at kcp;
      // a plain Kubernetes upstream serves no workspace API to point pods at.
      ...(kcp && upstreamServer !== undefined ? { upstreamServerUrl: upstreamServer } : {}),
      upstreamByCluster: kcp,
    });
  },
};

export const conflictModule: AgentModule = {
  name: 'conflict',
  register: (container) => registerConflict(container),
};

/**
 * kcp's per-workspace DNS, on when the agent runs as kcp's syncer Deployment does: `--dns-image` given and the
 * syncer namespace known (the `NAMESPACE` env). kcp's syncer requires both; without them we sync without DNS.
 */
export function workspaceDnsOptions(options: AgentOptions, logger: Logger): WorkspaceDnsOptions | undefined {
  const { dnsImage, syncerNamespace } = options;
  if (dnsImage === undefined || dnsImage === '') return undefined;
  if (syncerNamespace === undefined) {
    logger.warn('--dns-image is set but NAMESPACE is not: per-workspace DNS disabled', { dnsImage });
    return undefined;
  }
  return { namespace: syncerNamespace, image: dnsImage };
}

/**
 * Spec down: DOWNSTREAM_SYNCER (namespaces, diff, retention, apply strategies, conflicts, deletion) and, with
 * {@link workspaceDnsOptions}, kcp's per-workspace DNS, which also gives pod templates their nameserver.
 */
export const downstreamModule: AgentModule = {
  name: 'downstream',
  register(container, { options, logger }) {
    const dns = workspaceDnsOptions(options, logger);
    registerDownstream(container, {
      upstreamByCluster: options.upstreamMode !== 'plain',
      ...(dns === undefined ? {} : { dns }),
    });
    if (dns !== undefined) {
      container.register(WORKSPACE_NAMESERVER_PROVIDER, {
        useFactory: instanceCachingFactory((c) => c.resolve(WORKSPACE_DNS)),
      });
    }
  },
};

/** Status back upstream (UPSTREAM_STATUS_SYNCER with the default status extractors). */
export const upstreamModule: AgentModule = {
  name: 'upstream',
  register: (container, { options, syncTarget }) =>
    registerUpstream(container, {
      upstreamMode: options.upstreamMode,
      // Read once at start, as kcp's syncer does (pkg/syncer/syncer.go).
      advancedScheduling: syncTarget.metadata.annotations?.[ADVANCED_SCHEDULING_ANNOTATION] === 'true',
    }),
};

export const engineModule: AgentModule = {
  name: 'engine',
  register(container, { options, ref, syncTargetInformers, syncTargetClient, sideDownstreamClient }) {
    container.register(SYNC_TARGET_INFORMER_FACTORY, { useValue: syncTargetInformers });
    registerEngine(container, {
      upstreamMode: options.upstreamMode,
      resources: options.resources,
      // The logical cluster name start-up read from the SyncTarget (`--from-cluster` may be a path).
      ...(options.upstreamMode === 'plain' ? {} : { syncTargetCluster: ref.cluster }),
      config: {
        workerCount: options.workers,
        shutdownTimeoutMs: drainBudgetMs(options.shutdownTimeoutMs),
        removalGraceMs: options.removalGraceMs ?? 0,
      },
      // Access reviews and API-import discovery, each minute: never in the workers' rate limiter.
      sideDownstreamClient,
      // kcp's API importer writes to the SyncTarget's workspace at kcp's base URL (never the syncer VW).
      ...(options.apiImport === false
        ? {}
        : {
            apiImport: {
              resources:
                options.resourcesToImport ??
                options.resources.map((gvr) =>
                  gvr.group === '' ? gvr.resource : `${gvr.resource}.${gvr.group}`,
                ),
              pollIntervalMs: options.apiImportPollIntervalMs ?? DEFAULT_API_IMPORT_POLL_INTERVAL_MS,
              cluster: ref.cluster,
              upstreamClient: syncTargetClient,
            },
          }),
    });
  },
};

export const heartbeatModule: AgentModule = {
  name: 'heartbeat',
  register(container, { options, syncTargetClient }) {
    registerHeartbeat(container, {
      config: { periodMs: options.heartbeatPeriodMs, clusterScoped: options.upstreamMode !== 'plain' },
      heartbeatClient: syncTargetClient,
    });
  },
};

/** SYNC_METRICS and WORKQUEUE_METRICS_PROVIDER: one SyncerMetrics, also served on /metrics. */
export const metricsModule: AgentModule = {
  name: 'metrics',
  register: (container) => registerMetrics(container),
};

/** HEALTH_MANAGER with the upstream, downstream and heartbeat checks; compose adds the engine's. */
export const healthModule: AgentModule = {
  name: 'health',
  register: (container) => registerHealth(container),
};

/**
 * The composition list, in order (registrations are lazy, so order matters only where one call reads
 * another's binding).
 */
export const DEFAULT_MODULES: readonly AgentModule[] = [
  leaderElectionModule,
  transformationModule,
  conflictModule,
  downstreamModule,
  upstreamModule,
  engineModule,
  heartbeatModule,
  metricsModule,
  healthModule,
  tunnelModule,
  kcpTunnelModule,
  upsyncModule,
];
