import {
  deniedResourcesCheck,
  ProbeServer,
  Profiler,
  resourceControllersCheck,
  SyncerMetrics,
} from '@kcp-tmc/heartbeat';
import {
  CLOCK,
  DEFAULT_DOWNSTREAM_CONFIG,
  DOWNSTREAM_CONFIG,
  DOWNSTREAM_SYNCER,
  type DownstreamConfig,
  FEATURE_GATES,
  HEALTH_MANAGER,
  HEARTBEAT_REPORTER,
  type HealthManager,
  type HeartbeatReporter,
  type InformerFactory,
  type KubeClient,
  LEADER_ELECTION,
  type LeaderElection,
  LOGGER,
  type Logger,
  NOOP_LOGGER,
  SYNC_ENGINE,
  SYNC_TARGET,
  SYSTEM_CLOCK,
  type SyncEngine,
  type SyncStatus,
  type SyncTargetRef,
  TUNNEL,
  type Tunnel,
  toSyncTargetKey,
  UPSTREAM_INFORMER_FACTORY,
  UPSTREAM_KUBE_CLIENT,
} from '@kcp-tmc/interfaces';
import { DeniedAccessLog, type KubeRegistration, loadKubeConfig, registerKube } from '@kcp-tmc/kube';
import { tunnelHealthCheck } from '@kcp-tmc/tunnel';
import { type DependencyContainer, container as rootContainer } from 'tsyringe';
import { reportInitialSync } from './agent/initial-sync-progress.js';
import { kcpSyncerRbacHint } from './agent/kcp-rbac.js';
import { startLeaderTasks, stopLeaderTasks } from './agent/leader-tasks.js';
import { type AgentModule, type CompositionContext, DEFAULT_MODULES } from './agent/modules.js';
import { resolveSyncTarget } from './agent/sync-target-wait.js';
import { tlsOptionsOf } from './agent/tunnel.js';
import {
  AgentStartError,
  kubeconfigSource,
  loadSideKubeconfig,
  upstreamSide,
} from './agent/upstream-access.js';
import { agentVersion } from './cli/version.js';
import { type AgentOptions, type ListenAddress, transportLimits } from './config/options.js';

export interface CreateAgentOptions {
  logger?: Logger;
  /** The container the agent's child container is made from (default: tsyringe's root). */
  parent?: DependencyContainer;
  /** Replaces {@link DEFAULT_MODULES}. */
  modules?: readonly AgentModule[];
  /** Run after the modules: your own transformers, filters, resolvers or replacements for any token. */
  extraModules?: readonly AgentModule[];
  /** Ends a start that is still waiting for the SyncTarget (its access, or its virtual workspace URL). */
  signal?: AbortSignal;
  /** Waits for a missing SyncTarget to be created, instead of failing (a restart after its deletion). */
  untilCreated?: boolean;
}

export interface AgentEndpoints {
  /** Base URL of /metrics, when served. */
  metrics?: string;
  /** Base URL of /healthz /readyz /livez, when served. */
  probes?: string;
}

// kcp's own informers for SyncTargets and heartbeats stay responsive under the workers' load.
const SYNC_TARGET_CLIENT_QPS = { qps: 0 };

/**
 * The composition root: one child container per agent, each package's `register*()` in order, then start
 * and stop. Reads the SyncTarget first (its uid, key and, in virtual-workspace mode, its syncer URL), so a
 * missing SyncTarget or an unreachable upstream fails here with a clear message.
 */
export async function createAgent(options: AgentOptions, create: CreateAgentOptions = {}): Promise<Agent> {
  const logger = create.logger ?? NOOP_LOGGER;
  const container = (create.parent ?? rootContainer).createChildContainer();
  container.register(LOGGER, { useValue: logger });
  container.register(CLOCK, { useValue: SYSTEM_CLOCK });
  container.register(FEATURE_GATES, { useValue: options.featureGates });
  const downstreamConfig: DownstreamConfig = {
    ...DEFAULT_DOWNSTREAM_CONFIG,
    namespaceCleanDelayMs: options.downstreamNamespaceCleanDelayMs,
  };
  container.register(DOWNSTREAM_CONFIG, { useValue: downstreamConfig });

  const downstream = {
    kubeconfig: kubeconfigSource(options.toKubeconfig, options.toContext),
    transport: transportLimits(options),
    // One log per side for both registrations below: each refusal is logged once.
    deniedAccessLog: new DeniedAccessLog('downstream', logger),
  };
  const upstreamDenials = new DeniedAccessLog(
    'upstream',
    logger,
    options.upstreamMode === 'plain' ? undefined : kcpSyncerRbacHint(options.syncTargetName),
  );
  const registrations: KubeRegistration[] = [];
  // Load both kubeconfigs now: a missing file or context is a start error naming the flag, not a stack trace.
  loadSideKubeconfig('--from-kubeconfig', options.fromKubeconfig, options.fromContext);
  loadSideKubeconfig('--to-kubeconfig', options.toKubeconfig, options.toContext);
  try {
    // The SyncTarget's own side: heartbeats, conditions, and (virtual-workspace mode) the SyncTarget informer.
    const admin = rootContainer.createChildContainer();
    admin.register(LOGGER, { useValue: logger });
    registrations.push(
      registerKube(admin, {
        upstream: upstreamSide(options, {
          transport: SYNC_TARGET_CLIENT_QPS,
          deniedAccessLog: upstreamDenials,
        }),
        downstream,
      }),
    );
    const syncTargetClient = admin.resolve<KubeClient>(UPSTREAM_KUBE_CLIENT);
    const resolved = await resolveSyncTarget(syncTargetClient, options, logger, {
      untilCreated: create.untilCreated === true,
      ...(create.signal === undefined ? {} : { signal: create.signal }),
    });
    const { syncTarget } = resolved;
    const ref: SyncTargetRef = {
      cluster: resolved.cluster,
      name: options.syncTargetName,
      uid: syncTarget.metadata.uid ?? '',
      key: toSyncTargetKey(resolved.cluster, options.syncTargetName),
    };
    container.register(SYNC_TARGET, { useValue: ref });

    let upstream = upstreamSide(options, { deniedAccessLog: upstreamDenials });
    if (resolved.syncerURL !== undefined) {
      // The virtual workspace serves discovery below /clusters/*, as kcp's does.
      upstream = { ...upstream, connection: { server: resolved.syncerURL }, discovery: { cluster: '*' } };
    }
    registrations.push(registerKube(container, { upstream, downstream }));

    const upstreamConfig = loadKubeConfig(kubeconfigSource(options.fromKubeconfig, options.fromContext));
    const token = upstreamConfig.getCurrentUser()?.token;
    const upstreamServer = upstreamConfig.getCurrentCluster()?.server;
    // The tunnel dials with the upstream's TLS settings and, for exec, the downstream's credentials.
    const tunnel = options.featureGates.Tunnel
      ? {
          upstreamTls: await tlsOptionsOf(upstreamConfig),
          downstreamKubeConfig: loadKubeConfig(kubeconfigSource(options.toKubeconfig, options.toContext)),
        }
      : {};
    const context: CompositionContext = {
      options,
      syncTarget,
      ref,
      syncTargetClient,
      syncTargetInformers:
        options.upstreamMode === 'virtual-workspace'
          ? admin.resolve<InformerFactory>(UPSTREAM_INFORMER_FACTORY)
          : container.resolve<InformerFactory>(UPSTREAM_INFORMER_FACTORY),
      ...(token === undefined ? {} : { upstreamToken: token }),
      ...(upstreamServer === undefined ? {} : { upstreamServer }),
      ...tunnel,
      logger,
    };
    for (const module of [...(create.modules ?? DEFAULT_MODULES), ...(create.extraModules ?? [])]) {
      logger.debug('registering', { module: module.name }, 5);
      module.register(container, context);
    }
    return new Agent(container, options, ref, logger, registrations);
  } catch (err) {
    await Promise.allSettled(registrations.map((r) => r.close()));
    throw err;
  }
}

/** A composed agent: start once, stop any number of times (the first call does the work). */
export class Agent {
  private servers: ProbeServer[] = [];
  private started = false;
  private stopping: Promise<void> | undefined;
  private readonly abort = new AbortController();
  private reportFatal: (reason: string) => void = () => {};
  private stopProgress: (() => void) | undefined;
  readonly endpoints: AgentEndpoints = {};
  /** Resolves with the reason once the agent cannot run on (lost its lease, or its SyncTarget was deleted): it
   * has stopped writing and released nothing; the CLI exits non-zero, as controller-runtime's manager does. */
  readonly fatal = new Promise<string>((resolve) => {
    this.reportFatal = resolve;
  });

  constructor(
    readonly container: DependencyContainer,
    readonly options: AgentOptions,
    readonly syncTarget: SyncTargetRef,
    private readonly logger: Logger,
    private readonly registrations: readonly KubeRegistration[],
  ) {}

  get engine(): SyncEngine | undefined {
    return this.options.featureGates.SyncEngine && this.container.isRegistered(SYNC_ENGINE, true)
      ? this.container.resolve<SyncEngine>(SYNC_ENGINE)
      : undefined;
  }

  get heartbeat(): HeartbeatReporter | undefined {
    return this.options.featureGates.TMC && this.container.isRegistered(HEARTBEAT_REPORTER, true)
      ? this.container.resolve<HeartbeatReporter>(HEARTBEAT_REPORTER)
      : undefined;
  }

  get leaderElection(): LeaderElection | undefined {
    return this.container.isRegistered(LEADER_ELECTION, true)
      ? this.container.resolve<LeaderElection>(LEADER_ELECTION)
      : undefined;
  }

  /**
   * Probes and metrics first (so liveness answers during the initial sync), then heartbeat, leader tasks (upsync),
   * engine, tunnel. A standby resolves once it leads: its engine keeps warm caches, the writers wait.
   */
  async start(): Promise<void> {
    if (this.started) throw new Error('agent already started');
    this.started = true;
    const { featureGates } = this.options;
    if (featureGates.SyncEngine && !this.container.isRegistered(DOWNSTREAM_SYNCER, true)) {
      throw new AgentStartError(
        'no DownstreamSyncer is registered: compose @kcp-tmc/downstream (registerDownstream) or a module binding DOWNSTREAM_SYNCER',
      );
    }
    if (!this.container.isRegistered(HEALTH_MANAGER, true)) {
      throw new AgentStartError(
        'no HealthManager is registered: compose @kcp-tmc/heartbeat (registerHeartbeat)',
      );
    }
    const health = this.container.resolve<HealthManager>(HEALTH_MANAGER);
    const engine = this.engine;
    if (engine !== undefined) {
      health.register(resourceControllersCheck({ synced: () => ({ engine: engine.getStatus().connected }) }));
      // A denied resource never syncs: not ready, whatever else works.
      health.register(deniedResourcesCheck({ status: () => engine.getStatus() }));
    }
    await this.listen(health);
    const leader = this.leaderElection;
    engine?.onFatal?.((reason) => this.halt(reason));
    if (leader === undefined) {
      this.heartbeat?.start();
      startLeaderTasks(this.container);
      if (engine !== undefined) await engine.start();
    } else {
      leader.onLost((reason) => this.halt(`leadership lost: ${reason}`));
      const engineStarted = engine?.start();
      // An engine that fails before leadership (e.g. caches never sync) ends the wait with its error.
      await Promise.race([
        leader.acquire(this.abort.signal),
        engineStarted?.then(() => new Promise(() => {})),
      ]);
      this.heartbeat?.start();
      startLeaderTasks(this.container);
      await engineStarted;
    }
    if (engine !== undefined) this.stopProgress = reportInitialSync(engine, this.logger);
    if (this.container.isRegistered(TUNNEL, true)) {
      const tunnel = this.container.resolve<Tunnel>(TUNNEL);
      // Ready means reachable through kcp too, once there is a tunnel to be reached through.
      health.register(tunnelHealthCheck(tunnel));
      tunnel.start();
    }
    this.logger.info('agent started', {
      syncTarget: `${this.syncTarget.cluster}:${this.syncTarget.name}`,
      key: this.syncTarget.key,
      mode: this.options.upstreamMode,
      ...this.endpoints,
    });
  }

  /** Sync counters of the engine (empty before start or with the SyncEngine gate off). */
  status(): SyncStatus {
    return this.engine?.getStatus() ?? { connected: false, resources: {} };
  }

  /** Drains in-flight work within `--shutdown-timeout` (the engine hands back what does not finish), stops the
   * heartbeat, leader tasks and tunnel, closes informers, connections and listeners. Idempotent. */
  stop(): Promise<void> {
    this.stopping ??= this.shutdown();
    return this.stopping;
  }

  /** Nothing more is written: the engine closed its queue already; heartbeat and tunnel stop here. */
  private halt(reason: string): void {
    this.logger.error('agent cannot go on, writes stopped', { reason });
    void this.heartbeat?.stop();
    void stopLeaderTasks(this.container).catch(() => {});
    if (this.container.isRegistered(TUNNEL, true)) void this.container.resolve<Tunnel>(TUNNEL).close();
    this.reportFatal(reason);
  }

  private async shutdown(): Promise<void> {
    this.logger.info('agent stopping', { timeoutMs: this.options.shutdownTimeoutMs });
    this.abort.abort(new Error('agent stopping'));
    this.stopProgress?.();
    const steps: Array<[string, () => Promise<unknown>]> = [];
    if (this.started) {
      if (this.container.isRegistered(TUNNEL, true)) {
        steps.push(['tunnel', () => this.container.resolve<Tunnel>(TUNNEL).close()]);
      }
      const engine = this.engine;
      if (engine !== undefined) steps.push(['engine', () => engine.stop()]);
      const heartbeat = this.heartbeat;
      if (heartbeat !== undefined) steps.push(['heartbeat', () => heartbeat.stop()]);
      steps.push(['leader tasks', () => stopLeaderTasks(this.container)]);
    }
    // Last: the lease is released once nothing writes any more, so a standby takes over at once.
    const leader = this.leaderElection;
    if (leader !== undefined) steps.push(['leader election', () => leader.release()]);
    for (const [name, step] of steps) {
      await step().catch((err: unknown) => this.logger.warn('stop step failed', { step: name, error: err }));
    }
    await Promise.allSettled(this.registrations.map((r) => r.close()));
    await Promise.allSettled(this.servers.map((s) => s.close()));
    this.logger.info('agent stopped');
  }

  private async listen(health: HealthManager): Promise<void> {
    const metricsAt = this.options.metricsBindAddress;
    const probesAt = this.options.healthProbeBindAddress;
    const metrics = this.container.resolve(SyncerMetrics);
    metrics.setBuildInfo({ version: agentVersion() });
    const profiling = this.options.profiling === true ? { profiler: new Profiler() } : {};
    const serve = async (
      at: ListenAddress,
      parts: { health?: HealthManager; metrics?: SyncerMetrics; profiler?: Profiler },
    ) => {
      const server = new ProbeServer({ host: at.host, port: at.port, logger: this.logger, ...parts });
      const { url } = await server.start().catch((err: Error) => {
        throw new AgentStartError(`cannot listen on ${at.host}:${at.port}: ${err.message}`, { cause: err });
      });
      this.servers.push(server);
      return url;
    };
    if (metricsAt !== null && probesAt !== null && sameAddress(metricsAt, probesAt)) {
      const url = await serve(metricsAt, { health, metrics, ...profiling });
      Object.assign(this.endpoints, { metrics: url, probes: url });
      return;
    }
    if (metricsAt !== null) this.endpoints.metrics = await serve(metricsAt, { metrics });
    if (probesAt !== null) this.endpoints.probes = await serve(probesAt, { health, ...profiling });
  }
}

function sameAddress(a: ListenAddress, b: ListenAddress): boolean {
  return a.host === b.host && a.port === b.port && a.port !== 0;
}
