import { setImmediate as turn } from 'node:timers/promises';

interface Timer {
  id: number;
  at: number;
  callback: () => void;
}

/**
 * A clock (@kcp-tmc/interfaces' Clock) driven by the test: time moves only in `advance`, which fires due timers in
 * time order.
 */
export class ManualClock {
  private time: number;
  private seq = 0;
  private readonly timers = new Map<number, Timer>();

  constructor(start = Date.UTC(2025, 0, 1)) {
    this.time = start;
  }

  now(): number {
    return this.time;
  }

  setTimeout(callback: () => void, ms: number): number {
    const id = ++this.seq;
    this.timers.set(id, { id, at: this.time + Math.max(0, ms), callback });
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.timers.delete(handle as number);
  }

  /** Timers not yet fired, soonest first (their due times). */
  pendingTimers(): number[] {
    return [...this.timers.values()].map((t) => t.at).sort((a, b) => a - b);
  }

  /**
   * Moves time forward by `ms`, firing every timer that falls due, in order; between firings it lets pending
   * promise chains and I/O callbacks run, so work a timer starts can schedule the next timer in time.
   */
  async advance(ms: number): Promise<void> {
    const end = this.time + ms;
    for (;;) {
      await settle();
      if (!this.fireNext(end)) break;
    }
    this.time = end;
    await settle();
  }

  /**
   * Moves time forward by `ms` synchronously, firing due timers in order (timers they set that fall due too), and
   * lets nothing else run: the test sees the state right after the last firing.
   */
  tick(ms: number): void {
    const end = this.time + ms;
    while (this.fireNext(end)) {}
    this.time = end;
  }

  /** Fires the soonest timer due by `end`; false when there is none. */
  private fireNext(end: number): boolean {
    const next = [...this.timers.values()]
      .filter((t) => t.at <= end)
      .sort((a, b) => a.at - b.at || a.id - b.id)[0];
    if (next === undefined) return false;
    this.timers.delete(next.id);
    this.time = next.at;
    next.callback();
    return true;
  }
}

/** Lets queued promise callbacks and immediate-phase callbacks run. */
export async function settle(turns = 5): Promise<void> {
  for (let i = 0; i < turns; i++) await turn();
}
