import type { GVR, KubeObject, StatusExtractor } from '@kcp-tmc/interfaces';
import { isRecord } from '../json.js';
import { mergeConditions, orderedStatuses, put, type Status, sumField } from './merge-helpers.js';

const COUNT_FIELDS = ['active', 'succeeded', 'failed', 'ready', 'terminating'];

function isTrue(status: Status, type: string): boolean {
  return (
    Array.isArray(status.conditions) &&
    status.conditions.some((c) => isRecord(c) && c.type === type && c.status === 'True')
  );
}

function earliest(values: unknown[]): string | undefined {
  const times = values.filter((v): v is string => typeof v === 'string').sort();
  return times[0];
}

/**
 * batch/v1 Job: active, succeeded, failed (and ready, terminating) summed; startTime the earliest;
 * conditions worst-wins, except that `Complete` holds only once every target completed (then
 * completionTime is the latest).
 */
export class JobStatusExtractor implements StatusExtractor {
  readonly name = 'jobs';

  appliesTo(gvr: GVR): boolean {
    return gvr.group === 'batch' && gvr.resource === 'jobs';
  }

  extract(downstream: KubeObject): unknown {
    return isRecord(downstream.status) ? { ...downstream.status } : {};
  }

  merge(statuses: ReadonlyMap<string, unknown>, _upstream?: KubeObject): unknown {
    const all = orderedStatuses(statuses);
    const merged: Status = { ...all[0] };
    for (const field of COUNT_FIELDS) put(merged, field, sumField(all, field));
    put(merged, 'startTime', earliest(all.map((s) => s.startTime)));
    const complete = all.length > 0 && all.every((s) => isTrue(s, 'Complete'));
    let conditions = mergeConditions(all);
    // A target that has not completed reports no Complete condition at all: worst-wins cannot see it.
    if (!complete) conditions = conditions?.filter((c) => !(isRecord(c) && c.type === 'Complete'));
    put(merged, 'conditions', conditions !== undefined && conditions.length > 0 ? conditions : undefined);
    const finished = all
      .map((s) => s.completionTime)
      .filter((t): t is string => typeof t === 'string')
      .sort();
    put(merged, 'completionTime', complete ? finished[finished.length - 1] : undefined);
    return merged;
  }
}
