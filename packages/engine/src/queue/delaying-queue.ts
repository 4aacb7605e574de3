import type { TimerHandle } from '@kcp-tmc/interfaces';
import { DelayHeap } from './delay-heap.js';
import { WorkQueue, type WorkQueueOptions } from './work-queue.js';

/** setTimeout fires at once for delays past 2^31-1 ms; longer waits re-arm on the way. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * A work queue whose keys can be added after a delay (client-go's DelayingInterface). Waiting keys sit in a
 * min-heap by ready time, one entry per key (the earliest wins), behind a single timer on the injected clock.
 */
export class DelayingQueue<K extends string> extends WorkQueue<K> {
  private readonly waiting = new DelayHeap<K>();
  private timer: TimerHandle | undefined;
  private timerAt = Number.POSITIVE_INFINITY;

  constructor(options: WorkQueueOptions = {}) {
    super(options);
  }

  /** Adds `key` once `delayMs` has passed; at once when `delayMs <= 0`. Counts as a retry in metrics. */
  addAfter(key: K, delayMs: number): void {
    if (this.isShuttingDown()) {
      this.refuse(key);
      return;
    }
    this.metrics.retry();
    if (!(delayMs > 0)) {
      this.add(key);
      return;
    }
    this.waiting.push(key, this.clock.now() + delayMs);
    this.armTimer();
  }

  /** Keys waiting on a delay. */
  waitingLen(): number {
    return this.waiting.size;
  }

  /** When a waiting key becomes ready (ms since epoch, on the queue's clock). */
  readyAt(key: K): number | undefined {
    return this.waiting.readyAtOf(key);
  }

  /** Stops intake and the timer; waiting keys are handed back by `shutDownWithDrain`. Idempotent. */
  override shutDown(): void {
    if (this.isShuttingDown()) return;
    this.clearTimer();
    for (const key of this.waiting.drain()) this.refuse(key);
    super.shutDown();
  }

  private armTimer(): void {
    const next = this.waiting.peek();
    if (next === undefined) {
      this.clearTimer();
      return;
    }
    if (this.timer !== undefined && this.timerAt <= next.readyAt) return;
    this.clearTimer();
    const delay = Math.min(MAX_TIMER_MS, Math.max(0, Math.ceil(next.readyAt - this.clock.now())));
    this.timerAt = next.readyAt;
    this.timer = this.clock.setTimeout(() => this.fire(), delay);
  }

  private fire(): void {
    this.timer = undefined;
    this.timerAt = Number.POSITIVE_INFINITY;
    const now = this.clock.now();
    while ((this.waiting.peek()?.readyAt ?? Number.POSITIVE_INFINITY) <= now) {
      this.add((this.waiting.pop() as { key: K }).key);
    }
    this.armTimer();
  }

  private clearTimer(): void {
    if (this.timer === undefined) return;
    this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    this.timerAt = Number.POSITIVE_INFINITY;
  }
}
