import { setFlagsFromString } from 'node:v8';

/**
 * V8 flags the executable sets for itself, unless the node command line already decides them.
 *
 * `--optimize-for-size`: by default V8 sizes its heap for throughput and, on Node 24, keeps what the agent touched
 * while starting. An agent spends most of its life idle, so the trade goes the other way. Measured on real kcp v0.11
 * with a real kube-apiserver downstream, with and without, alternating (tools/bench real-side-by-side, 1k objects;
 * results/real-side-by-side-1k-agent-ab-*.json): idle RSS 108 -> 91 MiB, steady peak 116 -> 111 MiB, sync rate and
 * CPU per object within the runs' noise. Node refuses the flag in NODE_OPTIONS, so the manifests cannot set it.
 */
export const V8_DEFAULTS = ['--optimize-for-size'] as const;

/** Sets each of {@link V8_DEFAULTS} that `execArgv` (the node command line) neither sets nor negates. Returns those set. */
export function applyV8Defaults(
  execArgv: readonly string[],
  set: (flag: string) => void = setFlagsFromString,
): string[] {
  const given = new Set(execArgv.map((arg) => arg.replace(/^--(no-)?/, '').replaceAll('_', '-')));
  const applied = V8_DEFAULTS.filter((flag) => !given.has(flag.slice(2)));
  for (const flag of applied) set(flag);
  return applied;
}
