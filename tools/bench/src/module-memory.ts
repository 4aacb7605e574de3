import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Benchmark } from './registry.js';

// What the agent process holds before its first object: each module graph imported alone in a fresh Node
// process, heap (after a full GC) and RSS against an empty process. @kubernetes/client-node's KubeConfig module
// imports every generated API model with it; @kcp-tmc/kube loads kubeconfigs itself and imports client-node only
// on the first request of an exec or auth-provider user, so the client-node rows are what that import costs.

const kubeEntry = fileURLToPath(import.meta.resolve('@kcp-tmc/kube'));
// client-node is @kcp-tmc/kube's dependency, resolved from there (it declares no exports: require finds it).
const kubeRequire = createRequire(kubeEntry);

const MODULES: Record<string, string | undefined> = {
  'empty process': undefined,
  '@kubernetes/client-node (KubeConfig only)': kubeRequire
    .resolve('@kubernetes/client-node')
    .replace(/index\.js$/, 'config.js'),
  '@kubernetes/client-node (index)': kubeRequire.resolve('@kubernetes/client-node'),
  '@kcp-tmc/kube': kubeEntry,
  '@kcp-tmc/syncer-agent': fileURLToPath(import.meta.resolve('@kcp-tmc/syncer-agent')),
};

const PROBE = `
const base = process.memoryUsage();
const target = process.env.PROBE_MODULE ?? '';
if (target !== '') await import(target);
globalThis.gc(); globalThis.gc();
const m = process.memoryUsage();
console.log(JSON.stringify({ heapMiB: (m.heapUsed - base.heapUsed) / 2 ** 20, rssMiB: m.rss / 2 ** 20 }));
`;

function probe(path: string | undefined): { heapMiB: number; rssMiB: number } {
  const out = execFileSync(process.execPath, ['--expose-gc', '--input-type=module', '-e', PROBE], {
    encoding: 'utf8',
    env: { ...process.env, PROBE_MODULE: path === undefined ? '' : pathToFileURL(path).href },
  });
  const parsed = JSON.parse(out.trim()) as { heapMiB: number; rssMiB: number };
  return { heapMiB: Math.round(parsed.heapMiB * 10) / 10, rssMiB: Math.round(parsed.rssMiB * 10) / 10 };
}

export const moduleMemory: Benchmark = {
  name: 'module-memory',
  description: 'heap and RSS of each module graph the agent loads before its first object, imported alone',
  async run() {
    const out: Record<string, unknown> = {};
    for (const [name, path] of Object.entries(MODULES)) out[name] = probe(path);
    return out;
  },
};
