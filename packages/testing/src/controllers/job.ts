import { timestamp } from '../api/meta.js';
import { isPlainObject } from '../api/types.js';
import type { InProcessClient } from './client.js';
import { createTemplatePod } from './pods.js';
import {
  isPodReady,
  liveObject,
  type Obj,
  type ObjectKey,
  ownedBy,
  podPhase,
  recordEvent,
  spec,
  status,
} from './shared.js';
import { writeStatusIfChanged } from './status-write.js';

/** Jobs: run pods up to parallelism until `completions` succeeded, then mark the Job Complete. */
export function reconcileJob(client: InProcessClient, at: ObjectKey): void {
  const job = liveObject(client, 'batch', 'jobs', at);
  if (!job) return;
  const { cluster, namespace } = at;
  const st = status(job);
  if (
    Array.isArray(st.conditions) &&
    st.conditions.some((c) => isPlainObject(c) && c.type === 'Complete' && c.status === 'True')
  )
    return;
  const s = spec(job);
  const completions = typeof s.completions === 'number' ? s.completions : 1;
  const parallelism = typeof s.parallelism === 'number' ? s.parallelism : 1;
  const pods = client.list(cluster, '', 'pods', namespace).filter((p) => ownedBy(p, job));
  const succeeded = pods.filter((p) => podPhase(p) === 'Succeeded').length;
  const active = pods.filter(
    (p) => !['Succeeded', 'Failed'].includes(podPhase(p)) && !p.metadata.deletionTimestamp,
  );
  const now = timestamp();
  const want = s.suspend === true ? 0 : Math.min(parallelism, completions - succeeded) - active.length;
  const template = (s.template ?? {}) as Obj;
  for (let i = 0; i < want; i++) createTemplatePod(client, cluster, job, template, 'job-controller');
  const next: Obj = {
    startTime: st.startTime ?? now,
    active: active.length + Math.max(0, want),
    ready: active.filter(isPodReady).length,
    succeeded,
    terminating: 0,
    uncountedTerminatedPods: {},
  };
  if (succeeded >= completions) {
    next.active = 0;
    next.completionTime = now;
    // SuccessCriteriaMet, then Complete: both with the same reason and message.
    next.conditions = ['SuccessCriteriaMet', 'Complete'].map((type) => ({
      type,
      status: 'True',
      reason: 'CompletionsReached',
      message: 'Reached expected number of succeeded pods',
      lastProbeTime: now,
      lastTransitionTime: now,
    }));
    recordEvent(client, cluster, job, 'Normal', 'Completed', 'Job completed', 'job-controller');
  }
  for (const k of ['active', 'succeeded']) if (next[k] === 0) delete next[k];
  writeStatusIfChanged(client, cluster, 'batch', 'jobs', job, next, 'job-controller');
}
