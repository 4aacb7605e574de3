/** How long a queue works through its backlog before it lets other work (HTTP requests) run. */
const TURN_BUDGET_MS = 5;

/**
 * A small deduplicating work queue: a key queued twice before it is processed runs once; failures are
 * retried with backoff. Processing waits while `gate()` is pending (the simulator is paused).
 */
export class WorkQueue {
  private readonly queued = new Set<string>();
  private running = false;
  private stopped = false;
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly failures = new Map<string, number>();

  constructor(
    private readonly handle: (key: string) => void | Promise<void>,
    private readonly gate: () => Promise<void> = () => Promise.resolve(),
    private readonly onError: (key: string, err: unknown) => void = () => undefined,
  ) {}

  add(key: string): void {
    if (this.stopped) return;
    this.queued.add(key);
    if (!this.running) {
      this.running = true;
      setImmediate(() => void this.drain());
    }
  }

  addAfter(key: string, ms: number): void {
    if (this.stopped) return;
    const t = setTimeout(() => {
      this.timers.delete(t);
      this.add(key);
    }, ms);
    this.timers.add(t);
  }

  private async drain(): Promise<void> {
    try {
      let turnStart = performance.now();
      while (!this.stopped && this.queued.size > 0) {
        // A long backlog must not hold the event loop: the API server shares it.
        if (performance.now() - turnStart > TURN_BUDGET_MS) {
          await new Promise((resolve) => setImmediate(resolve));
          turnStart = performance.now();
        }
        await this.gate();
        const key = this.queued.values().next().value as string;
        this.queued.delete(key);
        try {
          await this.handle(key);
          this.failures.delete(key);
        } catch (err) {
          const n = (this.failures.get(key) ?? 0) + 1;
          this.failures.set(key, n);
          this.onError(key, err);
          if (n < 10) this.addAfter(key, Math.min(1000, 10 * 2 ** n));
        }
      }
    } finally {
      this.running = false;
    }
  }

  stop(): void {
    this.stopped = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.queued.clear();
  }
}
