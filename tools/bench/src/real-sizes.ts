// Sizes of the real-server benchmark, from `pnpm bench real-side-by-side --size=quick|full` and single overrides
// (`--objects=1000 --initial=10000 --initial-namespaces=100 --changes=2000 --rate=200 --qps=1000 --burst=1000
// --concurrency=8`).

export interface RealSizes {
  /** ConfigMaps created upstream while the syncer runs (create-to-synced throughput), then deleted as a namespace. */
  objects: number;
  /** ConfigMaps present before the syncer starts (initial sync), spread over `initialNamespaces`. */
  initial: number;
  initialNamespaces: number;
  /** Upstream changes at `rate` per second (change-to-applied latency). */
  changes: number;
  rate: number;
  /** `--qps` given to both syncers, after the generated ones. */
  qps: number;
  /** `--burst` given to both syncers; `--burst=` unset: the same as qps. kcp generates `--qps=20 --burst=30`. */
  burst?: number;
  /** Requests in flight of every load generator (raw creates, upstream creates). */
  concurrency: number;
}

const PRESETS: Record<string, RealSizes> = {
  quick: {
    objects: 300,
    initial: 600,
    initialNamespaces: 6,
    changes: 400,
    rate: 200,
    qps: 1000,
    concurrency: 8,
  },
  full: {
    objects: 1000,
    initial: 10_000,
    initialNamespaces: 100,
    changes: 2000,
    rate: 200,
    qps: 1000,
    concurrency: 8,
  },
  // As `kubectl kcp workload sync` deploys a syncer: its generated --qps=20 --burst=30, so the client-side rate
  // limits, not the 2 cores, bound both syncers. Changes at 10/s: within what 20 QPS lets either apply.
  deployed: {
    objects: 1000,
    initial: 2000,
    initialNamespaces: 20,
    changes: 600,
    rate: 10,
    qps: 20,
    burst: 30,
    concurrency: 8,
  },
};

const FLAGS: Record<string, keyof RealSizes> = {
  objects: 'objects',
  initial: 'initial',
  'initial-namespaces': 'initialNamespaces',
  changes: 'changes',
  rate: 'rate',
  qps: 'qps',
  burst: 'burst',
  concurrency: 'concurrency',
};

/** The sizes named by `--size=` (default quick) with any single flag overriding its preset value. */
export function realSizes(argv: readonly string[]): RealSizes {
  const flags = new Map<string, string>();
  for (const arg of argv) {
    const match = /^--([a-z-]+)=(.*)$/.exec(arg);
    if (match) flags.set(match[1] as string, match[2] as string);
  }
  const preset = PRESETS[flags.get('size') ?? 'quick'];
  if (preset === undefined) throw new Error(`--size: quick, full or deployed, got ${flags.get('size')}`);
  const sizes = { ...preset };
  for (const [flag, key] of Object.entries(FLAGS)) {
    const value = flags.get(flag);
    if (value === undefined) continue;
    const n = Number(value);
    if (!Number.isInteger(n) || n <= 0) throw new Error(`--${flag}: a positive integer, got ${value}`);
    sizes[key] = n;
  }
  return sizes;
}
