import type { HealthManager, HeartbeatReporter, Logger, SyncEngine, Tunnel } from '@kcp-tmc/interfaces';
import { tunnelHealthCheck } from '@kcp-tmc/tunnel';
import type { DependencyContainer } from 'tsyringe';
import { reportInitialSync } from './initial-sync-progress.js';
import { startLeaderTasks, stopLeaderTasks } from './leader-tasks.js';
import type { Runnable } from './manager.js';

/** What the agent runs, each part present only when composed (and its feature gate on). */
export interface AgentParts {
  readonly container: DependencyContainer;
  readonly health: HealthManager;
  readonly logger: Logger;
  /** Probes and metrics listeners: first, so liveness answers during the initial sync. */
  readonly servers: Runnable;
  readonly engine?: SyncEngine;
  readonly heartbeat?: HeartbeatReporter;
  readonly tunnel?: Tunnel;
}

/**
 * The agent's runnables in start order: listeners, the engine (its caches warm while a standby waits), then the
 * writers once it leads: heartbeat, leader tasks (upsync), the wait for the initial sync with its progress log,
 * and the tunnel. Stopping reverses it: tunnel, leader tasks, heartbeat, engine (drained), listeners.
 */
export function agentRunnables(parts: AgentParts): Runnable[] {
  const { engine, heartbeat, tunnel } = parts;
  const runnables: Runnable[] = [parts.servers];
  let engineStarted: Promise<void> = Promise.resolve();
  if (engine !== undefined) {
    runnables.push({
      name: 'engine',
      needLeaderElection: false,
      background: true,
      start: () => {
        engineStarted = engine.start();
        return engineStarted;
      },
      stop: () => engine.stop(),
    });
  }
  if (heartbeat !== undefined) {
    runnables.push({
      name: 'heartbeat',
      needLeaderElection: true,
      start: () => heartbeat.start(),
      stop: () => heartbeat.stop(),
    });
  }
  runnables.push({
    name: 'leader tasks',
    needLeaderElection: true,
    start: () => startLeaderTasks(parts.container),
    stop: () => stopLeaderTasks(parts.container),
  });
  if (engine !== undefined) runnables.push(initialSync(engine, () => engineStarted, parts.logger));
  if (tunnel !== undefined) {
    runnables.push({
      name: 'tunnel',
      needLeaderElection: true,
      start: () => {
        // Ready means reachable through kcp too, once there is a tunnel to be reached through.
        parts.health.register(tunnelHealthCheck(tunnel));
        tunnel.start();
      },
      stop: () => tunnel.close(),
    });
  }
  return runnables;
}

/** Waits for the engine's caches, then logs the initial sync's progress until it completes. */
function initialSync(engine: SyncEngine, started: () => Promise<void>, logger: Logger): Runnable {
  let stopProgress: (() => void) | undefined;
  return {
    name: 'initial sync',
    needLeaderElection: true,
    start: async () => {
      await started();
      stopProgress = reportInitialSync(engine, logger);
    },
    stop: async () => stopProgress?.(),
  };
}
