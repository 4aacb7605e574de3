import type { GVR, KubeObject, StatusExtractor } from '@kcp-tmc/interfaces';
import { maxField, mergeConditions, orderedStatuses, put, type Status, sumField } from './merge-helpers.js';
import {
  mergedObservedGeneration,
  OBSERVED_SPEC_FIELD,
  recordedWorkloadStatus,
} from './observed-generation.js';

/** Replica and scheduling counters of Deployment, StatefulSet, ReplicaSet and DaemonSet status. */
export const WORKLOAD_COUNT_FIELDS: readonly string[] = [
  // Deployment, StatefulSet, ReplicaSet
  'replicas',
  'readyReplicas',
  'availableReplicas',
  'updatedReplicas',
  'unavailableReplicas',
  'currentReplicas',
  'terminatingReplicas',
  'fullyLabeledReplicas',
  // DaemonSet
  'currentNumberScheduled',
  'desiredNumberScheduled',
  'numberAvailable',
  'numberMisscheduled',
  'numberReady',
  'numberUnavailable',
  'updatedNumberScheduled',
];

const RESOURCES = new Set(['deployments', 'statefulsets', 'replicasets', 'daemonsets']);

/**
 * apps/v1 Deployment, StatefulSet, ReplicaSet, DaemonSet: replica counts summed, observedGeneration the
 * upstream generation once every target observed the current spec (see {@link recordedWorkloadStatus}),
 * collisionCount the maximum, conditions worst-wins; any other field
 * (revisions, selectors) from the first target in key order.
 */
export class WorkloadStatusExtractor implements StatusExtractor {
  readonly name = 'workloads';

  appliesTo(gvr: GVR): boolean {
    return gvr.group === 'apps' && RESOURCES.has(gvr.resource);
  }

  extract(downstream: KubeObject): unknown {
    return recordedWorkloadStatus(downstream);
  }

  merge(statuses: ReadonlyMap<string, unknown>, upstream?: KubeObject): unknown {
    const all = orderedStatuses(statuses);
    const merged: Status = { ...all[0] };
    delete merged[OBSERVED_SPEC_FIELD];
    for (const field of WORKLOAD_COUNT_FIELDS) put(merged, field, sumField(all, field));
    put(merged, 'observedGeneration', mergedObservedGeneration(all, upstream));
    put(merged, 'collisionCount', maxField(all, 'collisionCount'));
    put(merged, 'conditions', mergeConditions(all));
    return merged;
  }
}
