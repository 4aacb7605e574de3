import type { NormalizedDump } from './normalize.js';

/** One difference between the reference run (kcp's Go syncer) and the run under test (our agent). */
export interface Difference {
  /** `down|<down:demo>|Deployment|web`. */
  readonly key: string;
  /** JSON path inside the object (`.metadata.labels.app`), or '' when the whole object is on one side only. */
  readonly path: string;
  /** The reference's value (undefined: absent there). */
  readonly reference: unknown;
  /** The tested run's value (undefined: absent there). */
  readonly tested: unknown;
}

/**
 * A difference we intend: the agent does something kcp's syncer does not (or not yet), for a stated reason.
 * `key` and `path` are regular expressions matched against the whole Difference key and path.
 */
export interface IntendedDifference {
  readonly key: string;
  readonly path: string;
  /** Only in scenarios whose name matches (a regular expression); every scenario when absent. */
  readonly scenario?: string;
  readonly reason: string;
}

/** Every leaf that differs, objects on one side only reported once with an empty path. */
export function diffDumps(reference: NormalizedDump, tested: NormalizedDump): Difference[] {
  const out: Difference[] = [];
  for (const key of [...new Set([...Object.keys(reference), ...Object.keys(tested)])].sort()) {
    const a = reference[key];
    const b = tested[key];
    if (a === undefined || b === undefined) {
      out.push({
        key,
        path: '',
        reference: a === undefined ? undefined : 'present',
        tested: b === undefined ? undefined : 'present',
      });
      continue;
    }
    diffValues(key, '', a, b, out);
  }
  return out;
}

function diffValues(key: string, path: string, a: unknown, b: unknown, out: Difference[]): void {
  if (isPlainObject(a) && isPlainObject(b)) {
    for (const field of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) {
      diffValues(key, `${path}.${field}`, a[field], b[field], out);
    }
    return;
  }
  // Arrays are compared whole: their order is part of what a syncer writes (env, volumes).
  if (JSON.stringify(a) !== JSON.stringify(b)) out.push({ key, path, reference: a, tested: b });
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** The differences of one scenario that no intended difference explains. */
export function unexplained(
  differences: readonly Difference[],
  intended: readonly IntendedDifference[],
  scenario = '',
): Difference[] {
  const rules = intended
    .filter((i) => i.scenario === undefined || new RegExp(i.scenario).test(scenario))
    .map((i) => ({ key: new RegExp(`^${i.key}$`), path: new RegExp(`^${i.path}$`) }));
  return differences.filter((d) => !rules.some((r) => r.key.test(d.key) && r.path.test(d.path)));
}

/** One line per difference, values cut to `width` characters, for test failure messages. */
export function formatDifferences(differences: readonly Difference[], width = 160): string {
  const show = (v: unknown) => (v === undefined ? '(absent)' : JSON.stringify(v).slice(0, width));
  return differences
    .map((d) => `${d.key} ${d.path || '(object)'}: kcp=${show(d.reference)} agent=${show(d.tested)}`)
    .join('\n');
}
