import { normalizeText } from './normalize.js';
import type { Projection } from './step-types.js';

/** exit code, normalized stdout, and normalized stderr when the command failed. */
export const outcome: Projection = (r) =>
  [`exit=${r.code}`, normalizeText(r.stdout), r.code === 0 ? '' : normalizeText(r.stderr)]
    .filter((s) => s !== '')
    .join('\n');
export const exitAnd =
  (f: (s: string) => string): Projection =>
  (r) =>
    `exit=${r.code}\n${f(r.stdout)}`;
/** `rollout status` prints waiting lines as timing goes: only its verdict is compared. */
export const lastLine: Projection = (r) =>
  `exit=${r.code}\n${normalizeText(r.stdout).split('\n').pop() ?? ''}`;
/** Event lists differ in which kubelet events exist: compare headers and the controllers' reasons. */
export const eventReasons: Projection = (r) => {
  const lines = normalizeText(r.stdout).split('\n');
  const reasons = lines
    .slice(1)
    .map((l) => l.split(' | ')[2] ?? '')
    .filter((reason) => ['ScalingReplicaSet'].includes(reason));
  return `exit=${r.code}\n${lines[0]}\n${[...new Set(reasons)].sort().join(',')}`;
};
/** kubectl diff: the changed lines of the object, without server-maintained fields. */
export const diffLines: Projection = (r) =>
  `exit=${r.code}\n${r.stdout
    .split('\n')
    .filter((l) => /^[+-]\s/.test(l) && !/generation|resourceVersion|managedFields|time:/.test(l))
    .join('\n')}`;
