/** One benchmark: measures and returns plain JSON (figures, and ratios measured in the same run). */
export interface Benchmark {
  name: string;
  description: string;
  run(): Promise<Record<string, unknown>>;
}

export interface BenchmarkResult {
  name: string;
  description: string;
  startedAt: string;
  durationMs: number;
  node: string;
  cpus: number;
  results: Record<string, unknown>;
}
