import { setFlagsFromString } from 'node:v8';

/**
 * V8 flags the executable sets for itself, unless the node command line already decides them (`--turbofan`
 * there brings the optimizing compiler back). Node refuses both in NODE_OPTIONS, so the manifests cannot set them.
 *
 * `--optimize-for-size`: by default V8 sizes its heap for throughput and, on Node 24, keeps what the agent touched
 * while starting. An agent spends most of its life idle, so the trade goes the other way. Measured on real kcp v0.11
 * with a real kube-apiserver downstream, with and without, alternating (tools/bench real-side-by-side, 1k objects;
 * results/real-side-by-side-1k-agent-ab-*.json): idle RSS 108 -> 91 MiB, steady peak 116 -> 111 MiB, sync rate and
 * CPU per object within the runs' noise.
 *
 * `--no-turbofan`: V8's top-tier compiler is ~5 MiB of Node's executable, paged in once code runs hot, and its
 * compilations allocate beside the heap; Maglev, the tier below it, still optimizes the hot paths, whose time is
 * mostly in Node's C++ (HTTP parsing, TLS, JSON). Same benchmark, agent alone at kcp's generated --qps=20
 * --burst=30 (results/real-side-by-side-agent-v8-*.json): steady peak RSS 110.4 -> 102.0 MiB, executable pages
 * 52.3 -> 46.9 MiB, CPU per 1k objects synced 3.64 -> 3.94 s.
 */
export const V8_DEFAULTS = ['--optimize-for-size', '--no-turbofan'] as const;

/** A flag's name without its dashes and `no-`, with `_` as `-`: `--no-optimize_for_size` is `optimize-for-size`. */
function flagName(arg: string): string {
  return arg
    .replace(/^--(no-)?/, '')
    .replace(/=.*$/, '')
    .replaceAll('_', '-');
}

/** Sets each of {@link V8_DEFAULTS} that `execArgv` (the node command line) neither sets nor negates. Returns those set. */
export function applyV8Defaults(
  execArgv: readonly string[],
  set: (flag: string) => void = setFlagsFromString,
): string[] {
  const given = new Set(execArgv.map(flagName));
  const applied = V8_DEFAULTS.filter((flag) => !given.has(flagName(flag)));
  for (const flag of applied) set(flag);
  return applied;
}
