import type { Condition } from '../object.js';
import type { EventStream } from './kube.js';

export type HealthEndpoint = 'healthz' | 'readyz' | 'livez';

export interface HealthCheckResult {
  readonly healthy: boolean;
  readonly message?: string;
}

/** One component check; `endpoints` says which probes it counts for. */
export interface HealthCheck {
  readonly name: string;
  readonly endpoints: readonly HealthEndpoint[];
  check(): HealthCheckResult | Promise<HealthCheckResult>;
}

export interface HealthReport {
  readonly healthy: boolean;
  readonly checks: ReadonlyArray<{ readonly name: string } & HealthCheckResult>;
}

export interface HealthManager {
  register(check: HealthCheck): void;
  unregister(name: string): boolean;
  evaluate(endpoint: HealthEndpoint): Promise<HealthReport>;
}

/** Keeps the SyncTarget's heartbeat and conditions current. */
export interface HeartbeatReporter {
  start(): void;
  stop(): Promise<void>;
  /** Time of the last heartbeat the server accepted (ms since epoch). */
  lastHeartbeat(): number | undefined;
  /** Sets a condition; `lastTransitionTime` changes only when the status does. */
  setCondition(condition: Omit<Condition, 'lastTransitionTime'>): Promise<void>;
}

export type TunnelState = 'disconnected' | 'connecting' | 'connected' | 'closed';

/** The agent's side of the reverse tunnel. */
export interface Tunnel {
  readonly state: TunnelState;
  readonly state$: EventStream<TunnelState>;
  start(): void;
  close(): Promise<void>;
}
