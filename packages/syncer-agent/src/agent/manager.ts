import type { LeaderElection, Logger } from '@kcp-tmc/interfaces';

/**
 * One part of the running agent, as controller-runtime's manager sees its runnables: started in the order they
 * were added, stopped in reverse.
 */
export interface Runnable {
  readonly name: string;
  /**
   * Writes (upstream or downstream): started only once this replica leads, and stopped when the agent halts
   * (controller-runtime's NeedLeaderElection). Without leader election it only marks the writers.
   */
  readonly needLeaderElection: boolean;
  /**
   * Started without waiting for it (an engine's caches, kept warm by a standby); its failure still fails the
   * wait for the lease. A later runnable waits for it where it must.
   */
  readonly background?: boolean;
  /** Starts the work; settles once it runs (listening, caches synced). */
  start(signal: AbortSignal): Promise<void> | void;
  /** Lets in-flight work finish and stops; called at most once, and only after `start` was called. */
  stop(): Promise<unknown>;
}

/**
 * Starts runnables in order (acquiring the lease, when there is an election, before the first that writes) and
 * stops the started ones in reverse, draining each; the lease is released last, once nothing writes any more.
 */
export class RunnableManager {
  private readonly started: Runnable[] = [];
  private readonly stopping = new Map<Runnable, Promise<void>>();

  constructor(
    private readonly runnables: readonly Runnable[],
    private readonly logger: Logger,
    private readonly leaderElection?: LeaderElection,
  ) {}

  async start(signal: AbortSignal): Promise<void> {
    const background: Promise<never>[] = [];
    let leading = this.leaderElection === undefined;
    for (const runnable of this.runnables) {
      signal.throwIfAborted();
      if (runnable.needLeaderElection && !leading) {
        // A background start that fails before leadership (caches never sync) ends the wait with its error.
        await Promise.race([this.leaderElection?.acquire(signal), ...background]);
        leading = true;
      }
      this.started.push(runnable);
      const starting = Promise.resolve(runnable.start(signal));
      if (runnable.background === true) {
        // Only its failure matters here; whoever needs it started awaits it.
        background.push(starting.then(() => new Promise<never>(() => {})));
        starting.catch(() => {});
      } else {
        await starting;
      }
    }
  }

  /** Stops the runnables that write, keeping the lease (the agent cannot go on; see Agent.fatal). */
  halt(): void {
    for (const runnable of this.started.filter((r) => r.needLeaderElection).reverse())
      void this.stopOne(runnable);
  }

  /** Stops every started runnable in reverse order, then releases the lease. Failures are logged, not thrown. */
  async stop(): Promise<void> {
    for (const runnable of [...this.started].reverse()) await this.stopOne(runnable);
    const election = this.leaderElection;
    if (election !== undefined) await this.step('leader election', () => election.release());
  }

  private stopOne(runnable: Runnable): Promise<void> {
    let stopping = this.stopping.get(runnable);
    if (stopping === undefined) {
      stopping = this.step(runnable.name, () => runnable.stop());
      this.stopping.set(runnable, stopping);
    }
    return stopping;
  }

  private async step(name: string, run: () => Promise<unknown>): Promise<void> {
    try {
      await run();
    } catch (err) {
      this.logger.warn('stop step failed', { step: name, error: err });
    }
  }
}
