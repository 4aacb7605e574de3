import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchmarkResult } from './registry.js';
import { benchmarks } from './suite.js';

// `pnpm bench [name ...]` runs the named benchmarks (all by default), one after the other so they do not
// compete for the two cores, and writes one JSON file per benchmark to tools/bench/results/. Arguments starting
// with `--` are sizes for the benchmarks that take them (real-side-by-side: --size=quick|full).
const selected = process.argv.slice(2).filter((arg) => !arg.startsWith('--'));
const resultsDir = fileURLToPath(new URL('../results', import.meta.url));
mkdirSync(resultsDir, { recursive: true });

for (const bench of benchmarks) {
  if (selected.length > 0 && !selected.includes(bench.name)) continue;
  const start = performance.now();
  const startedAt = new Date().toISOString();
  process.stdout.write(`bench ${bench.name} ...\n`);
  const results = await bench.run();
  const result: BenchmarkResult = {
    name: bench.name,
    description: bench.description,
    startedAt,
    durationMs: Math.round(performance.now() - start),
    node: process.version,
    cpus: availableParallelism(),
    results,
  };
  writeFileSync(join(resultsDir, `${bench.name}.json`), `${JSON.stringify(result, null, 2)}\n`);
  process.stdout.write(`${JSON.stringify(result.results)}\n`);
}
