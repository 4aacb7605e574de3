import { setImmediate } from 'node:timers';
import type { Clock } from '@kcp-tmc/interfaces';

/**
 * Keeps the workers from holding the event loop. A key whose sync needs no request (a cached noop, a status
 * with nothing to report) completes in microtasks, so a worker could run through thousands of them without
 * the event loop turning: no timer fires (the heartbeat), no socket is read. Workers share one budget and,
 * once it is spent, wait for the next turn of the loop (setImmediate: after pending I/O callbacks and timers).
 */
export class TurnBudget {
  private turnStarted: number;

  constructor(
    private readonly clock: Pick<Clock, 'now'>,
    /** Longest stretch of work between two turns of the event loop (ms). */
    private readonly budgetMs = 10,
  ) {
    this.turnStarted = clock.now();
  }

  /** Resolves at once while the budget lasts; otherwise on the next turn of the event loop. */
  async spend(): Promise<void> {
    if (this.clock.now() - this.turnStarted < this.budgetMs) return;
    await new Promise<void>((resolve) => setImmediate(resolve));
    this.turnStarted = this.clock.now();
  }
}
