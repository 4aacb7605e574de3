import { arr, int, obj, since, str } from './format.js';
import type { PrintedRow, TableRowCondition } from './types.js';

type Obj = Record<string, unknown>;

const SUCCEEDED: TableRowCondition[] = [
  { type: 'Completed', status: 'True', reason: 'Succeeded', message: 'The pod has completed successfully.' },
];
const FAILED: TableRowCondition[] = [
  { type: 'Completed', status: 'True', reason: 'Failed', message: 'The pod failed.' },
];

const restartable = (c: Obj | undefined): boolean => c?.restartPolicy === 'Always';

function conditionTrue(status: Obj, type: string): boolean {
  return arr(status.conditions).some((c) => c.type === type && c.status === 'True');
}

function laterOf(current: string, candidate: unknown): string {
  const c = str(candidate);
  return c !== '' && (current === '' || Date.parse(c) > Date.parse(current)) ? c : current;
}

function terminatedReason(t: Obj, prefix: string): string {
  if (str(t.reason) !== '') return `${prefix}${str(t.reason)}`;
  if (int(t.signal) !== 0) return `${prefix}Signal:${int(t.signal)}`;
  return `${prefix}ExitCode:${int(t.exitCode)}`;
}

/** What printPod gathers from the container statuses, like kubectl's printPod loop variables. */
interface PodTally {
  reason: string;
  ready: number;
  restarts: number;
  lastRestart: string;
  sidecarRestarts: number;
  lastSidecarRestart: string;
}

/** Init containers, in order: sidecars count as ready, the first unfinished one names the reason. */
function tallyInitContainers(t: PodTally, status: Obj, initSpecs: Map<string, Obj>): boolean {
  for (const [i, c] of arr(status.initContainerStatuses).entries()) {
    const state = obj(c.state);
    const lastTerminated = obj(c.lastTerminationState).terminated;
    t.restarts += int(c.restartCount);
    if (lastTerminated) t.lastRestart = laterOf(t.lastRestart, obj(lastTerminated).finishedAt);
    const sidecar = restartable(initSpecs.get(str(c.name)));
    if (sidecar) {
      t.sidecarRestarts += int(c.restartCount);
      if (lastTerminated)
        t.lastSidecarRestart = laterOf(t.lastSidecarRestart, obj(lastTerminated).finishedAt);
    }
    const terminated = state.terminated === undefined ? undefined : obj(state.terminated);
    const waiting = state.waiting === undefined ? undefined : obj(state.waiting);
    if (terminated && int(terminated.exitCode) === 0) continue;
    if (sidecar && c.started === true) {
      if (c.ready === true) t.ready++;
      continue;
    }
    if (terminated) t.reason = terminatedReason(terminated, 'Init:');
    else if (waiting && str(waiting.reason) !== '' && waiting.reason !== 'PodInitializing')
      t.reason = `Init:${str(waiting.reason)}`;
    else t.reason = `Init:${i}/${initSpecs.size}`;
    return true;
  }
  return false;
}

/** Regular containers, last to first: a waiting or terminated one names the reason, running and ready ones count. */
function tallyContainers(t: PodTally, status: Obj): void {
  t.restarts = t.sidecarRestarts;
  t.lastRestart = t.lastSidecarRestart;
  let hasRunning = false;
  let errorReason = '';
  const statuses = arr(status.containerStatuses);
  for (let i = statuses.length - 1; i >= 0; i--) {
    const c = statuses[i]!;
    const state = obj(c.state);
    t.restarts += int(c.restartCount);
    const lastTerminated = obj(c.lastTerminationState).terminated;
    if (lastTerminated) t.lastRestart = laterOf(t.lastRestart, obj(lastTerminated).finishedAt);
    const waiting = state.waiting === undefined ? undefined : obj(state.waiting);
    if (waiting && str(waiting.reason) !== '') {
      t.reason = str(waiting.reason);
    } else if (state.terminated !== undefined) {
      const term = obj(state.terminated);
      t.reason = terminatedReason(term, '');
      if (int(term.exitCode) !== 0) errorReason = t.reason;
    } else if (c.ready === true && state.running !== undefined) {
      hasRunning = true;
      t.ready++;
    }
  }
  if (t.reason === 'Completed') {
    if (hasRunning && conditionTrue(status, 'Ready')) t.reason = 'Running';
    else if (errorReason !== '') t.reason = errorReason;
    else if (hasRunning) t.reason = 'NotReady';
  }
}

/** kube-apiserver's pod row: READY, STATUS (the aggregate reason kubectl users read), RESTARTS, AGE, wide. */
export function printPod(pod: Obj, now: number): PrintedRow {
  const meta = obj(pod.metadata);
  const spec = obj(pod.spec);
  const status = obj(pod.status);
  const phase = str(status.phase);
  const t: PodTally = {
    reason: str(status.reason) || phase,
    ready: 0,
    restarts: 0,
    lastRestart: '',
    sidecarRestarts: 0,
    lastSidecarRestart: '',
  };
  if (arr(status.conditions).some((c) => c.type === 'PodScheduled' && c.reason === 'SchedulingGated'))
    t.reason = 'SchedulingGated';
  const initSpecs = new Map(arr(spec.initContainers).map((c) => [str(c.name), c]));
  const total = arr(spec.containers).length + [...initSpecs.values()].filter(restartable).length;
  const initializing = tallyInitContainers(t, status, initSpecs);
  if (!initializing || conditionTrue(status, 'Initialized')) tallyContainers(t, status);
  let reason = t.reason;
  if (meta.deletionTimestamp && status.reason === 'NodeLost') reason = 'Unknown';
  else if (meta.deletionTimestamp && phase !== 'Succeeded' && phase !== 'Failed') reason = 'Terminating';
  const { restarts, lastRestart, ready } = t;
  const restartsCell =
    restarts !== 0 && lastRestart !== '' ? `${restarts} (${since(lastRestart, now)} ago)` : String(restarts);
  const podIPs = arr(status.podIPs);
  const gates = arr(spec.readinessGates);
  const gatesCell =
    gates.length === 0
      ? '<none>'
      : `${gates.filter((g) => arr(status.conditions).find((c) => c.type === g.conditionType)?.status === 'True').length}/${gates.length}`;
  const row: PrintedRow = {
    cells: [
      str(meta.name),
      `${ready}/${total}`,
      reason,
      restartsCell,
      since(meta.creationTimestamp, now),
      str(podIPs[0]?.ip) || '<none>',
      str(spec.nodeName) || '<none>',
      str(status.nominatedNodeName) || '<none>',
      gatesCell,
    ],
  };
  if (phase === 'Succeeded') row.conditions = SUCCEEDED;
  else if (phase === 'Failed') row.conditions = FAILED;
  return row;
}
