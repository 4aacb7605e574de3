import { type Clock, SYSTEM_CLOCK, type WorkQueueMetricsProvider } from '@kcp-tmc/interfaces';
import { Fifo } from './fifo.js';
import { NOOP_WORKQUEUE_METRICS_PROVIDER, QueueMetrics } from './queue-metrics.js';

/** What `get()` resolves with: the next key, or word that the queue shut down and has nothing left to give. */
export type GetResult<K> =
  | { readonly shutdown: false; readonly key: K }
  | { readonly shutdown: true; readonly key?: undefined };

/** What `shutDownWithDrain` reports. Nothing is lost silently: every key not processed is handed back. */
export interface DrainResult<K> {
  /**
   * True when the work the shutdown waited for finished before the deadline: queued and in-flight keys for
   * `shutDownWithDrain`, in-flight keys for `shutDownInFlight`.
   */
  readonly drained: boolean;
  /**
   * Keys not processed, each once: queued keys never handed out and keys still in flight at the deadline,
   * keys waiting on a delay, and keys offered after intake stopped (e.g. a failed item's retry).
   */
  readonly handedBack: K[];
}

export interface WorkQueueOptions {
  /** Names the queue in metrics. */
  name?: string;
  clock?: Clock;
  metricsProvider?: WorkQueueMetricsProvider;
  /** How often the in-flight gauges refresh while metrics are enabled (ms). */
  metricsUpdatePeriodMs?: number;
}

const SHUTDOWN: GetResult<never> = Object.freeze({ shutdown: true });

// A key's state, as bits in one map (one lookup per operation instead of two sets).
/** Needs processing: queued, or re-added while in flight. client-go's `dirty` set. */
const DIRTY = 1;
/** Handed out by `get()`, not yet `done`. client-go's `processing` set. */
const PROCESSING = 2;

/**
 * client-go's work queue. A key is queued once however often it is added (dirty); a key being processed is
 * never handed to a second worker (processing), and a re-add during processing queues it again after
 * `done`. `get()` waits for a key; `shutDown()` stops intake while workers finish what is queued.
 */
export class WorkQueue<K extends string> {
  readonly name: string;
  protected readonly clock: Clock;
  protected readonly metrics: QueueMetrics<K>;
  /** Keys offered after intake stopped; handed back by `shutDownWithDrain`. */
  protected readonly unaccepted = new Set<K>();
  private readonly queue = new Fifo<K>();
  /** DIRTY | PROCESSING bits per key; a key with neither is absent. */
  private readonly state = new Map<K, number>();
  private dirtyCount = 0;
  private processingCount = 0;
  /** Workers blocked in `get()`. Non-empty only while the queue is empty. */
  private readonly waiters = new Fifo<(result: GetResult<K>) => void>();
  private readonly drainWaiters = new Set<() => void>();
  private shuttingDown = false;
  /** Set at a drain deadline: nothing more is handed out or re-queued. */
  private closed = false;

  constructor(options: WorkQueueOptions = {}) {
    this.name = options.name ?? '';
    this.clock = options.clock ?? SYSTEM_CLOCK;
    this.metrics = new QueueMetrics(
      this.name,
      options.metricsProvider ?? NOOP_WORKQUEUE_METRICS_PROVIDER,
      this.clock,
      options.metricsUpdatePeriodMs,
    );
  }

  add(key: K): void {
    if (this.shuttingDown) {
      this.refuse(key);
      return;
    }
    const state = this.state.get(key) ?? 0;
    if (state & DIRTY) return;
    this.metrics.add(key);
    this.state.set(key, state | DIRTY);
    this.dirtyCount++;
    // Queued again by `done`, so it never reaches a second worker.
    if (state & PROCESSING) return;
    this.enqueue(key);
  }

  /** The next key, once there is one; `{ shutdown: true }` once shut down with nothing left to hand out. */
  get(): Promise<GetResult<K>> {
    const key = this.closed ? undefined : this.queue.shift();
    if (key !== undefined) return Promise.resolve(this.handOut(key));
    if (this.shuttingDown && !this.hasPendingWork()) return Promise.resolve(SHUTDOWN);
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Marks a key handed out by `get()` as finished; re-queues it if it was added meanwhile. */
  done(key: K): void {
    const state = this.state.get(key);
    if (state === undefined || !(state & PROCESSING)) return;
    this.processingCount--;
    this.metrics.done(key);
    if (state & DIRTY && !this.closed) {
      this.state.set(key, DIRTY);
      this.enqueue(key);
    } else {
      this.state.delete(key);
      this.settleShutdown();
    }
  }

  /** Keys waiting to be handed out (in-flight keys not counted), as client-go's `Len`. */
  len(): number {
    return this.queue.length;
  }

  /** Keys handed out and not yet `done`. */
  processingLen(): number {
    return this.processingCount;
  }

  isProcessing(key: K): boolean {
    return ((this.state.get(key) ?? 0) & PROCESSING) !== 0;
  }

  isShuttingDown(): boolean {
    return this.shuttingDown;
  }

  /**
   * Stops intake. Workers still get what is queued (and in-flight keys re-added before the shutdown), then
   * `{ shutdown: true }`. Idempotent.
   */
  shutDown(): void {
    if (this.shuttingDown) return;
    this.shuttingDown = true;
    this.metrics.stop();
    this.settleShutdown();
  }

  /** Resolves once the queue is drained or `timeoutMs` passed; a zero deadline returns without a timer tick. */
  private async untilDrained(timeoutMs: number): Promise<void> {
    if (this.isDrained() || timeoutMs <= 0) return;
    await new Promise<void>((resolve) => {
      const finish = (): void => {
        this.clock.clearTimeout(timer);
        this.drainWaiters.delete(finish);
        resolve();
      };
      const timer = this.clock.setTimeout(finish, timeoutMs);
      this.drainWaiters.add(finish);
    });
  }

  /**
   * Stops intake and lets workers finish queued and in-flight keys for up to `timeoutMs`. At the deadline it
   * stops handing keys out and hands back everything not processed, so the caller can persist or log it.
   */
  async shutDownWithDrain(timeoutMs: number): Promise<DrainResult<K>> {
    this.shutDown();
    await this.untilDrained(timeoutMs);
    if (this.isDrained()) return { drained: true, handedBack: [...this.unaccepted] };
    return { drained: false, handedBack: this.close() };
  }

  /**
   * Stops intake as controller-runtime stops a controller (client-go's ShutDown): keys still queued are handed
   * back at once (the next start's initial list queues them again), and only keys in flight get up to
   * `timeoutMs` to finish. `drained` says whether they all did; `handedBack` holds the queued keys, keys
   * offered after intake stopped (a retry, a delayed recheck) and in-flight keys cut off at the deadline.
   */
  async shutDownInFlight(timeoutMs: number): Promise<DrainResult<K>> {
    this.shutDown();
    // In flight and not re-added: finishing them is the whole of the work left.
    const inFlight = new Set([...this.state].filter(([, state]) => state === PROCESSING).map(([key]) => key));
    const queued = this.close().filter((key) => !inFlight.has(key));
    await this.untilDrained(timeoutMs);
    const cutOff = [...this.state.keys()];
    return {
      drained: cutOff.length === 0,
      handedBack: [...new Set([...queued, ...this.unaccepted, ...cutOff])],
    };
  }

  /**
   * Records a key offered after intake stopped, unless it is dirty: then it is still handed out (or handed
   * back at the deadline), which satisfies this add as well.
   */
  protected refuse(key: K): void {
    if (!((this.state.get(key) ?? 0) & DIRTY)) this.unaccepted.add(key);
  }

  /** Work that will still come out of `get()`: queued keys, or in-flight keys re-added (dirty). */
  private hasPendingWork(): boolean {
    return !this.closed && this.dirtyCount > 0;
  }

  private isDrained(): boolean {
    return this.state.size === 0;
  }

  private enqueue(key: K): void {
    const waiter = this.waiters.shift();
    if (waiter === undefined) this.queue.push(key);
    else waiter(this.handOut(key));
  }

  private handOut(key: K): GetResult<K> {
    this.metrics.get(key);
    this.state.set(key, PROCESSING);
    this.dirtyCount--;
    this.processingCount++;
    return { shutdown: false, key };
  }

  /** After shutdown: releases idle workers once nothing more will come, and wakes drains once all is done. */
  private settleShutdown(): void {
    if (!this.shuttingDown) return;
    if (!this.hasPendingWork()) {
      for (let waiter = this.waiters.shift(); waiter !== undefined; waiter = this.waiters.shift()) {
        waiter(SHUTDOWN);
      }
    }
    if (this.isDrained()) for (const wake of [...this.drainWaiters]) wake();
  }

  /** The drain deadline passed: take everything unprocessed out and hand it back. */
  private close(): K[] {
    this.closed = true;
    const handedBack = new Set<K>();
    for (const key of this.queue.drain()) {
      this.metrics.discard(key);
      handedBack.add(key);
      this.state.delete(key);
    }
    for (const [key, state] of this.state) {
      if (state & DIRTY) this.metrics.discard(key);
      // Only in-flight keys are left; they stay tracked until their `done`, which no longer re-queues.
      this.state.set(key, PROCESSING);
      handedBack.add(key);
    }
    for (const key of this.unaccepted) handedBack.add(key);
    this.dirtyCount = 0;
    this.settleShutdown();
    return [...handedBack];
  }
}
