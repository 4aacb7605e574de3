import { deniedResourcesCheck, resourceControllersCheck } from '@kcp-tmc/health';
import {
  CLOCK,
  DEFAULT_DOWNSTREAM_CONFIG,
  DOWNSTREAM_CONFIG,
  DOWNSTREAM_SYNCER,
  FEATURE_GATES,
  HEALTH_MANAGER,
  HEARTBEAT_REPORTER,
  type HealthManager,
  type HeartbeatReporter,
  LEADER_ELECTION,
  type LeaderElection,
  LOGGER,
  type Logger,
  NOOP_LOGGER,
  SYNC_ENGINE,
  SYSTEM_CLOCK,
  type SyncEngine,
  type SyncStatus,
  type SyncTargetRef,
  TUNNEL,
  type Tunnel,
} from '@kcp-tmc/interfaces';
import type { KubeRegistration } from '@kcp-tmc/kube';
import { type DependencyContainer, container as rootContainer } from 'tsyringe';
import { connect } from './agent/connect.js';
import { upstreamCredentials } from './agent/credentials.js';
import { type AgentEndpoints, listeners } from './agent/listeners.js';
import { RunnableManager } from './agent/manager.js';
import { type AgentModule, type CompositionContext, DEFAULT_MODULES } from './agent/modules.js';
import { agentRunnables } from './agent/runnables.js';
import { AgentStartError } from './agent/upstream-access.js';
import type { AgentOptions } from './config/options.js';

export type { AgentEndpoints } from './agent/listeners.js';

export interface CreateAgentOptions {
  logger?: Logger;
  /** The container the agent's child containers are made from (default: tsyringe's root). */
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

/**
 * The composition root: one child container per agent, each package's `register*()` in order, then start
 * and stop. Reads the SyncTarget first (its uid, key and, in virtual-workspace mode, its syncer URL), so a
 * missing SyncTarget or an unreachable upstream fails here with a clear message.
 */
export async function createAgent(options: AgentOptions, create: CreateAgentOptions = {}): Promise<Agent> {
  const logger = create.logger ?? NOOP_LOGGER;
  const parent = create.parent ?? rootContainer;
  const container = parent.createChildContainer();
  container.register(LOGGER, { useValue: logger });
  container.register(CLOCK, { useValue: SYSTEM_CLOCK });
  container.register(FEATURE_GATES, { useValue: options.featureGates });
  container.register(DOWNSTREAM_CONFIG, {
    useValue: {
      ...DEFAULT_DOWNSTREAM_CONFIG,
      namespaceCleanDelayMs: options.downstreamNamespaceCleanDelayMs,
    },
  });
  const registrations: KubeRegistration[] = [];
  try {
    const wait = {
      untilCreated: create.untilCreated === true,
      ...(create.signal === undefined ? {} : { signal: create.signal }),
    };
    const connected = await connect(parent, container, options, wait, registrations);
    const context: CompositionContext = {
      options,
      ...connected,
      ...(await upstreamCredentials(options)),
      logger,
    };
    for (const module of [...(create.modules ?? DEFAULT_MODULES), ...(create.extraModules ?? [])]) {
      logger.debug('registering', { module: module.name }, 5);
      module.register(container, context);
    }
    return new Agent(container, options, connected.ref, logger, registrations);
  } catch (err) {
    await Promise.allSettled(registrations.map((r) => r.close()));
    throw err;
  }
}

/** A composed agent: start once, stop any number of times (the first call does the work). */
export class Agent {
  private started = false;
  private manager: RunnableManager | undefined;
  private stopping: Promise<void> | undefined;
  private readonly abort = new AbortController();
  private reportFatal: (reason: string) => void = () => {};
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
   * Probes and metrics first (so liveness answers during the initial sync), then the engine, and once it leads:
   * heartbeat, leader tasks (upsync), the initial sync, tunnel. A standby resolves once it leads: its engine
   * keeps warm caches, the writers wait.
   */
  async start(): Promise<void> {
    if (this.started) throw new Error('agent already started');
    this.started = true;
    const health = this.healthManager();
    const { engine, leaderElection: leader, container, logger } = this;
    engine?.onFatal?.((reason) => this.halt(reason));
    leader?.onLost((reason) => this.halt(`leadership lost: ${reason}`));
    const runnables = agentRunnables({
      container,
      health,
      logger,
      servers: listeners(container, this.options, health, this.endpoints, logger),
      ...(engine === undefined ? {} : { engine }),
      ...(this.heartbeat === undefined ? {} : { heartbeat: this.heartbeat }),
      ...(container.isRegistered(TUNNEL, true) ? { tunnel: container.resolve<Tunnel>(TUNNEL) } : {}),
    });
    this.manager = new RunnableManager(runnables, logger, leader);
    await this.manager.start(this.abort.signal);
    logger.info('agent started', {
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

  /** The required parts are composed; the engine's checks join the health manager's. */
  private healthManager(): HealthManager {
    if (this.options.featureGates.SyncEngine && !this.container.isRegistered(DOWNSTREAM_SYNCER, true)) {
      throw new AgentStartError(
        'no DownstreamSyncer is registered: compose @kcp-tmc/downstream (registerDownstream) or a module binding DOWNSTREAM_SYNCER',
      );
    }
    if (!this.container.isRegistered(HEALTH_MANAGER, true)) {
      throw new AgentStartError('no HealthManager is registered: compose @kcp-tmc/health (registerHealth)');
    }
    const health = this.container.resolve<HealthManager>(HEALTH_MANAGER);
    const engine = this.engine;
    if (engine !== undefined) {
      health.register(resourceControllersCheck({ synced: () => ({ engine: engine.getStatus().connected }) }));
      // A denied resource never syncs: not ready, whatever else works.
      health.register(deniedResourcesCheck({ status: () => engine.getStatus() }));
    }
    return health;
  }

  /** Nothing more is written: the engine closed its queue already; the writers stop here, the lease stays. */
  private halt(reason: string): void {
    this.logger.error('agent cannot go on, writes stopped', { reason });
    this.manager?.halt();
    this.reportFatal(reason);
  }

  private async shutdown(): Promise<void> {
    this.logger.info('agent stopping', { timeoutMs: this.options.shutdownTimeoutMs });
    this.abort.abort(new Error('agent stopping'));
    // Never started: nothing ran, but the lease is still released (a no-op unless held).
    await (this.manager ?? new RunnableManager([], this.logger, this.leaderElection)).stop();
    await Promise.allSettled(this.registrations.map((r) => r.close()));
    this.logger.info('agent stopped');
  }
}
