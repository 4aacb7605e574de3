import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { librarySources } from './code-bounds.js';
import { repoRoot } from './workspace.js';

// Issue 17: @kubernetes/client-node's KubeConfig module loads the whole generated API (tens of MiB of heap
// before the first object). Library code may name its types (`import type`, erased) and import it on demand
// (`await import(...)`, for exec and auth-provider credentials), never statically: a static import anywhere on
// the agent's module graph loads it at start.
const STATIC_IMPORT = /^\s*(?:import|export)\s+(?!type\b)[^;]*?from\s+['"]@kubernetes\/client-node['"]/m;
const BARE_IMPORT = /^\s*import\s+['"]@kubernetes\/client-node['"]/m;

function staticClientNodeImport(text: string): boolean {
  return STATIC_IMPORT.test(text) || BARE_IMPORT.test(text);
}

describe('startup imports', () => {
  it('tells a static import of client-node from a type import and a dynamic one', () => {
    expect(staticClientNodeImport("import { KubeConfig } from '@kubernetes/client-node';")).toBe(true);
    expect(staticClientNodeImport("import {\n  KubeConfig,\n} from '@kubernetes/client-node';")).toBe(true);
    expect(staticClientNodeImport("export { Watch } from '@kubernetes/client-node';")).toBe(true);
    expect(staticClientNodeImport("import '@kubernetes/client-node';")).toBe(true);
    expect(staticClientNodeImport("import type { KubeConfig } from '@kubernetes/client-node';")).toBe(false);
    expect(staticClientNodeImport("const m = await import('@kubernetes/client-node');")).toBe(false);
  });

  it('no library source imports @kubernetes/client-node statically', () => {
    // Test support and the testing package's conformance suites drive client-node on purpose; no agent loads them.
    const offenders = librarySources(repoRoot)
      .filter((file) => !file.includes('/test-support/') && !file.includes('/conformance/'))
      .filter((file) => staticClientNodeImport(readFileSync(join(repoRoot, file), 'utf8')));
    expect(offenders).toEqual([]);
  });
});
