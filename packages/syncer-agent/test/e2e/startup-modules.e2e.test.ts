// What the executable's module graph loads of Node's own modules before any flag is read (issue 17, memory at
// rest): features that are off by default load their Node modules when turned on, not at start.
import { spawnSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CLI, CLI_BUILT } from './support.js';

const MAIN = pathToFileURL(CLI.replace(/bin\.js$/, 'main.js')).href;

/** Node's built-in modules a fresh process has loaded once it imported the CLI's whole module graph. */
function builtinsLoadedByTheCli(): Set<string> {
  const script = `await import(${JSON.stringify(MAIN)});
process.stdout.write(JSON.stringify(process.moduleLoadList));`;
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  expect(child.stderr).toBe('');
  const list = JSON.parse(child.stdout) as string[];
  return new Set(
    list.filter((m) => m.startsWith('NativeModule ')).map((m) => m.slice('NativeModule '.length)),
  );
}

describe.skipIf(!CLI_BUILT)('syncer-agent start-up modules (process)', () => {
  it('loads HTTP/2 (the kcp tunnel, off by default) and the inspector (--profiling) only when used', () => {
    const loaded = builtinsLoadedByTheCli();
    // The graph was loaded: the kube client's HTTPS is there.
    expect(loaded.has('https')).toBe(true);
    expect([...loaded].filter((m) => /^(http2|inspector)(\/|$)/.test(m))).toEqual([]);
  });
});
