import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// Reads the built package (the README's test command builds first): what Node loads is dist, not src.
const dist = fileURLToPath(new URL('../dist/', import.meta.url));

// Static `import ... from`, `import '...'` and `export ... from` at the start of a line; `await import(...)` is not.
const STATIC = /^\s*(?:import|export)\s+(?:[^'";]*?\sfrom\s+)?['"]([^'"]+)['"]/gm;

/** Every bare module specifier reached from `entry` through static imports of the package's own files. */
function staticallyReached(entry: string): Set<string> {
  const bare = new Set<string>();
  const seen = new Set<string>();
  const pending = [resolve(dist, entry)];
  for (let file = pending.pop(); file !== undefined; file = pending.pop()) {
    if (seen.has(file)) continue;
    seen.add(file);
    for (const [, spec = ''] of readFileSync(file, 'utf8').matchAll(STATIC)) {
      if (spec.startsWith('.')) pending.push(resolve(dirname(file), spec));
      else bare.add(spec);
    }
  }
  return bare;
}

describe('what loading the agent pulls in', () => {
  it('loads the simulator (@kcp-tmc/testing) only from the demo', () => {
    // The walk sees the simulator where it is imported, so its absence below means something.
    expect(staticallyReached('demo/run-demo.js')).toContain('@kcp-tmc/testing');
    for (const entry of ['cli/main.js', 'index.js']) {
      const reached = staticallyReached(entry);
      expect(reached, entry).toContain('@kcp-tmc/engine');
      expect(reached, entry).not.toContain('@kcp-tmc/testing');
    }
  });
});
