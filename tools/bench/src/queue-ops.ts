import { RateLimitingQueue, WorkQueue, type WorkQueueOptions } from '@kcp-tmc/engine';
import type { Benchmark } from './registry.js';

// Work queue throughput: one op is an add, a get or a done; a key's full round trip is three ops. Each
// implementation runs the same scenarios in the same process, interleaved over several rounds, and the median
// is compared with a plain array+Set queue (dedup only: no processing set, no metrics, no shutdown).

const KEYS = 200_000;
const ROUNDS = 7;
const PRODUCER_BATCH = 1000;

interface QueueUnderTest {
  add(key: string): void;
  get(): Promise<{ shutdown: boolean; key?: string | undefined }>;
  done(key: string): void;
  shutDown(): void;
}

/** The baseline: an array with a head index and a Set for dedup, waiters for an async get. */
class ArraySetQueue implements QueueUnderTest {
  private items: string[] = [];
  private head = 0;
  private readonly queued = new Set<string>();
  private readonly waiters: Array<(result: { shutdown: boolean; key?: string }) => void> = [];
  private closed = false;

  add(key: string): void {
    if (this.closed || this.queued.has(key)) return;
    const waiter = this.waiters.shift();
    if (waiter !== undefined) {
      waiter({ shutdown: false, key });
      return;
    }
    this.queued.add(key);
    this.items.push(key);
  }

  get(): Promise<{ shutdown: boolean; key?: string }> {
    if (this.head < this.items.length) {
      const key = this.items[this.head++] as string;
      if (this.head === this.items.length) {
        this.items = [];
        this.head = 0;
      }
      this.queued.delete(key);
      return Promise.resolve({ shutdown: false, key });
    }
    if (this.closed) return Promise.resolve({ shutdown: true });
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  done(_key: string): void {}

  shutDown(): void {
    this.closed = true;
    for (const waiter of this.waiters.splice(0)) waiter({ shutdown: true });
  }
}

/** Metrics switched on (every observation recorded in a number), to show what the bookkeeping costs. */
function countingProvider(): NonNullable<WorkQueueOptions['metricsProvider']> {
  let sink = 0;
  const counter = { inc: () => void sink++ };
  const gauge = { inc: () => void sink++, dec: () => void sink-- };
  const record = (v: number): void => {
    sink += v;
  };
  const settable = { set: record };
  const histogram = { observe: record };
  return {
    depth: () => gauge,
    adds: () => counter,
    latency: () => histogram,
    workDuration: () => histogram,
    unfinishedWorkSeconds: () => settable,
    longestRunningProcessorSeconds: () => settable,
    retries: () => counter,
  };
}

const implementations: Record<string, () => QueueUnderTest> = {
  arraySetBaseline: () => new ArraySetQueue(),
  workQueue: () => new WorkQueue<string>(),
  rateLimitingQueue: () => new RateLimitingQueue<string>(),
  workQueueWithMetrics: () => new WorkQueue<string>({ metricsProvider: countingProvider() }),
};

const keys = Array.from({ length: KEYS }, (_, i) => `root:org:ws/apps/v1/deployments/ns-${i % 100}/d-${i}`);

async function worker(queue: QueueUnderTest): Promise<number> {
  let processed = 0;
  for (;;) {
    const next = await queue.get();
    if (next.shutdown || next.key === undefined) return processed;
    processed++;
    queue.done(next.key);
  }
}

/** Fills the queue, then one worker drains it. */
async function singleWorker(queue: QueueUnderTest): Promise<number> {
  const start = performance.now();
  for (const key of keys) queue.add(key);
  queue.shutDown();
  const processed = await worker(queue);
  const seconds = (performance.now() - start) / 1000;
  if (processed !== KEYS) throw new Error(`processed ${processed} of ${KEYS}`);
  return (3 * KEYS) / seconds;
}

/** A producer adds in batches, yielding to the event loop between them, while four workers consume. */
async function fourWorkers(queue: QueueUnderTest): Promise<number> {
  const start = performance.now();
  const workers = Array.from({ length: 4 }, () => worker(queue));
  for (let i = 0; i < KEYS; i += PRODUCER_BATCH) {
    for (let j = i; j < i + PRODUCER_BATCH && j < KEYS; j++) queue.add(keys[j] as string);
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  queue.shutDown();
  const processed = (await Promise.all(workers)).reduce((a, b) => a + b, 0);
  const seconds = (performance.now() - start) / 1000;
  if (processed !== KEYS) throw new Error(`processed ${processed} of ${KEYS}`);
  return (3 * KEYS) / seconds;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

async function measure(
  scenario: (queue: QueueUnderTest) => Promise<number>,
): Promise<Record<string, unknown>> {
  const samples: Record<string, number[]> = {};
  const ratios: Record<string, number[]> = {};
  // A warm-up round, then rounds that run every implementation back to back; each round's ratio compares
  // neighbours in time, so load from other processes on the machine hits both sides of a ratio alike.
  for (let round = -1; round < ROUNDS; round++) {
    const opsThisRound: Record<string, number> = {};
    for (const [name, create] of Object.entries(implementations)) {
      globalThis.gc?.();
      opsThisRound[name] = await scenario(create());
    }
    if (round < 0) continue;
    const baseline = opsThisRound.arraySetBaseline as number;
    for (const [name, ops] of Object.entries(opsThisRound)) {
      samples[name] = [...(samples[name] ?? []), ops];
      if (name !== 'arraySetBaseline') ratios[name] = [...(ratios[name] ?? []), ops / baseline];
    }
  }
  const medians = (table: Record<string, number[]>, digits: number) =>
    Object.fromEntries(
      Object.entries(table).map(([name, values]) => [name, Number(median(values).toFixed(digits))]),
    );
  return { opsPerSec: medians(samples, 0), ratioToBaseline: medians(ratios, 3) };
}

export const queueOps: Benchmark = {
  name: 'queue-ops',
  description: `Work queue add/get/done ops per second (${KEYS} distinct keys, medians of ${ROUNDS} rounds): one worker, and four workers with a batching producer; per-round ratios against a plain array+Set queue in the same run.`,
  async run() {
    return {
      keys: KEYS,
      rounds: ROUNDS,
      singleWorker: await measure(singleWorker),
      fourWorkers: await measure(fourWorkers),
    };
  },
};
