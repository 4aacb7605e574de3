import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));

export interface PackageManifest {
  name: string;
  private?: boolean;
  type?: string;
  exports?: Record<string, unknown>;
  files?: string[];
  engines?: Record<string, string>;
  license?: string;
  repository?: unknown;
  homepage?: string;
  bugs?: unknown;
  sideEffects?: boolean | string[];
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  devDependencies?: Record<string, string>;
}

export interface WorkspacePackage {
  dir: string;
  /** Short name, e.g. `engine` for `@kcp-tmc/engine`. */
  short: string;
  manifest: PackageManifest;
}

export function publishedPackages(): WorkspacePackage[] {
  const base = join(repoRoot, 'packages');
  return readdirSync(base)
    .filter((d) => statSync(join(base, d)).isDirectory())
    .map((d) => ({
      dir: join(base, d),
      short: d,
      manifest: JSON.parse(readFileSync(join(base, d, 'package.json'), 'utf8')) as PackageManifest,
    }));
}

/** Every shipped TypeScript source file below `dir` (tests and `test-support/` helpers are not shipped). */
export function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'test-support') out.push(...sourceFiles(path));
    } else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')) out.push(path);
  }
  return out;
}

/** Module specifiers of static and dynamic imports and re-exports in a source text. */
export function importSpecifiers(source: string): string[] {
  const re = /(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;
  return [...source.matchAll(re)].map((m) => m[1] ?? m[2] ?? '');
}
