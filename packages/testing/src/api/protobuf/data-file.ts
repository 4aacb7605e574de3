import { readFileSync } from 'node:fs';
import { brotliDecompressSync } from 'node:zlib';

/**
 * Reads one of the package's committed data files (packages/testing/data/, brotli-compressed JSON produced by
 * scripts/generate-api-data.mjs). src/api/protobuf and dist/api/protobuf sit at the same depth, so one relative
 * URL serves both the sources (tests) and the published build.
 */
export function readDataFile<T>(name: string): T {
  const url = new URL(`../../../data/${name}`, import.meta.url);
  return JSON.parse(brotliDecompressSync(readFileSync(url)).toString('utf8')) as T;
}
