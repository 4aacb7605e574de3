import { readFileSync } from 'node:fs';
import { brotliDecompressSync } from 'node:zlib';

/**
 * Reads one of the package's committed data files (packages/testing/data/, brotli-compressed JSON produced by
 * scripts/generate-api-data.mjs). src/api/protobuf and dist/api/protobuf sit at the same depth, so one relative
 * URL serves both the sources (tests) and the published build.
 */
export function readDataFile<T>(name: string): T {
  return JSON.parse(readDataBytes(name).toString('utf8')) as T;
}

/** The decompressed bytes of a data file. */
export function readDataBytes(name: string): Buffer {
  return brotliDecompressSync(readFileSync(new URL(`../../../data/${name}`, import.meta.url)));
}
