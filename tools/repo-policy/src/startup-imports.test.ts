import { existsSync, readdirSync, readFileSync } from 'node:fs';
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

// Issue 17: the npm undici is a second HTTP stack (JS and llhttp WebAssembly, ~25 MiB RSS) beside Node's own;
// the kube client runs on node:http/node:https. Only the testing package (a dev tool) uses it; client-node
// brings its own copy for exec and auth-provider users, imported on demand. Type imports are erased.
const UNDICI_IMPORT =
  /^\s*(?:(?:import|export)\s+(?!type\b)[^;]*?from\s+|import\s+|.*\bimport\s*\(\s*)['"]undici(?:\/[^'"]*)?['"]/m;
const UNDICI_ALLOWED = ['packages/testing/'];

function loadsUndici(text: string): boolean {
  return UNDICI_IMPORT.test(text);
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

  it('tells an import of undici (static, bare or dynamic) from a type import', () => {
    expect(loadsUndici("import { fetch } from 'undici';")).toBe(true);
    expect(loadsUndici("import {\n  Agent,\n} from 'undici';")).toBe(true);
    expect(loadsUndici("import 'undici';")).toBe(true);
    expect(loadsUndici("  const { fetch } = await import('undici');")).toBe(true);
    expect(loadsUndici("import type { Dispatcher } from 'undici';")).toBe(false);
    expect(loadsUndici("import { request } from 'node:http';")).toBe(false);
  });

  it('no library source outside the testing package loads undici, and none depends on it', () => {
    const offenders = librarySources(repoRoot)
      .filter((file) => !UNDICI_ALLOWED.some((prefix) => file.startsWith(prefix)))
      .filter((file) => loadsUndici(readFileSync(join(repoRoot, file), 'utf8')));
    expect(offenders).toEqual([]);
    const declaring = readdirSync(join(repoRoot, 'packages'))
      .map((pkg) => `packages/${pkg}/`)
      .filter((dir) => !UNDICI_ALLOWED.includes(dir) && existsSync(join(repoRoot, dir, 'package.json')))
      .filter((dir) => {
        const manifest = JSON.parse(readFileSync(join(repoRoot, dir, 'package.json'), 'utf8')) as {
          dependencies?: Record<string, string>;
        };
        return manifest.dependencies?.undici !== undefined;
      });
    expect(declaring).toEqual([]);
  });

  it('no library source imports @kubernetes/client-node statically', () => {
    // Test support and the testing package's conformance suites drive client-node on purpose; no agent loads them.
    const offenders = librarySources(repoRoot)
      .filter((file) => !file.includes('/test-support/') && !file.includes('/conformance/'))
      .filter((file) => staticClientNodeImport(readFileSync(join(repoRoot, file), 'utf8')));
    expect(offenders).toEqual([]);
  });
});
