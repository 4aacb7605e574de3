/**
 * Work that writes upstream and so runs on the leader only, started with the heartbeat and stopped before the
 * lease is released (register any number; the agent resolves them all).
 */
export interface LeaderTask {
  readonly name: string;
  /** Starts the work and returns at once. */
  start(): void;
  /** Lets in-flight work finish and stops; idempotent. */
  stop(): Promise<void>;
}

export const LEADER_TASKS: unique symbol = Symbol.for('@kcp-tmc/syncer-agent/LeaderTasks');
