import { DEFAULT_FEATURE_GATES, EVENT_SYNCER, type Logger, parseGvr } from '@kcp-tmc/interfaces';
import type { AgentModule } from '../agent/modules.js';
import { type Agent, createAgent } from '../compose.js';
import type { AgentOptions } from '../config/options.js';
import {
  converged,
  type DemoProgress,
  missing,
  observe,
  progressLine,
  summaryTable,
  virtualWorkspaceServesEvents,
} from './progress.js';
import { DEMO_CLUSTER, DEMO_SYNC_TARGET, type DemoWorld, startDemoWorld } from './scenario.js';

export interface DemoOptions {
  /** Where progress and the summary go. */
  readonly out: { write(chunk: string): unknown; isTTY?: boolean };
  readonly logger: Logger;
  /** Give up (and fail) after this long (ms). */
  readonly timeoutMs: number;
  readonly pollMs?: number;
  readonly extraModules?: readonly AgentModule[];
}

export interface DemoRun {
  readonly world: DemoWorld;
  readonly agent: Agent;
  readonly summary: DemoProgress;
  /** Whether the agent's upstream serves v1 events (kcp's syncer virtual workspace does not). */
  readonly eventsServed: boolean;
  readonly elapsedMs: number;
  stop(): Promise<void>;
}

export class DemoTimeoutError extends Error {
  override readonly name = 'DemoTimeoutError';
}

/** The agent's options for the demo: virtual-workspace mode, fast heartbeats, ephemeral listeners. */
export function demoAgentOptions(world: DemoWorld): AgentOptions {
  return {
    fromKubeconfig: world.upstream.kubeconfigPath,
    fromCluster: DEMO_CLUSTER,
    toKubeconfig: world.downstream.kubeconfigPath,
    syncTargetName: DEMO_SYNC_TARGET,
    upstreamMode: 'virtual-workspace',
    resourcesToImport: ['deployments.apps', 'services'],
    resources: [parseGvr('apps/v1/deployments'), parseGvr('v1/services')],
    apiImportPollIntervalMs: 60_000,
    // The downstream simulator serves no /openapi/v2 to import from; the scenario accepts the resources on the
    // SyncTarget itself, as kcp's negotiation would after an import.
    apiImport: false,
    qps: 200,
    burst: 400,
    downstreamNamespaceCleanDelayMs: 30_000,
    featureGates: DEFAULT_FEATURE_GATES,
    metricsBindAddress: { host: '127.0.0.1', port: 0 },
    healthProbeBindAddress: { host: '127.0.0.1', port: 0 },
    workers: 4,
    heartbeatPeriodMs: 2_000,
    shutdownTimeoutMs: 5_000,
    verbosity: 0,
  };
}

/**
 * Starts the simulators and the app, runs the agent in-process, prints progress until everything converged
 * (objects down, ready replicas up, events up where the upstream serves them, a heartbeat), then the summary
 * table. The caller stops it.
 */
export async function runDemo(options: DemoOptions): Promise<DemoRun> {
  const started = Date.now();
  const { out } = options;
  out.write('Starting a kcp-mode upstream simulator and a downstream simulator with fake controllers...\n');
  const world = await startDemoWorld();
  let agent: Agent | undefined;
  try {
    out.write(
      `SyncTarget ${DEMO_CLUSTER}:${DEMO_SYNC_TARGET} (key ${world.key}); app placed in 2 workspaces: Deployment, Service, ConfigMap, Secret\n`,
    );
    agent = await createAgent(demoAgentOptions(world), {
      logger: options.logger,
      ...(options.extraModules === undefined ? {} : { extraModules: options.extraModules }),
    });
    await agent.start();
    out.write(
      `Agent running: metrics ${agent.endpoints.metrics}/metrics, probes ${agent.endpoints.probes}/readyz\n`,
    );
    const eventsServed = await virtualWorkspaceServesEvents(world);
    if (!eventsServed) {
      out.write(
        "The syncer virtual workspace serves no v1 events (as kcp v0.11's): Events stay downstream\n",
      );
    }
    const expectEvents = eventsServed && agent.container.isRegistered(EVENT_SYNCER, true);
    const deadline = started + options.timeoutMs;
    let last = '';
    let progress = await observe(world);
    while (!converged(progress, expectEvents)) {
      const line = progressLine(progress);
      if (line !== last) {
        out.write(out.isTTY === true ? `\r${line}\u001b[K` : `${line}\n`);
        last = line;
      }
      if (Date.now() > deadline) {
        throw new DemoTimeoutError(
          `demo did not converge within ${options.timeoutMs / 1000}s: ${missing(progress, expectEvents).join('; ')}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 200));
      progress = await observe(world);
    }
    const elapsedMs = Date.now() - started;
    out.write(
      `${out.isTTY === true ? '\r' : ''}${progressLine(progress)}${out.isTTY === true ? '\u001b[K' : ''}\n`,
    );
    out.write(`\nConverged.\n${summaryTable(progress, elapsedMs, eventsServed)}\n`);
    const running = agent;
    return {
      world,
      agent: running,
      summary: progress,
      eventsServed,
      elapsedMs,
      async stop() {
        await running.stop();
        await world.stop();
      },
    };
  } catch (err) {
    await agent?.stop();
    await world.stop();
    throw err;
  }
}
