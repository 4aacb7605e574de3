import {
  DOWNSTREAM_CLUSTER_LABEL,
  type KubeObject,
  MANAGED_LABEL,
  MANAGED_LABEL_VALUE,
  type ResourceTransformer,
  STATE_LABEL_PREFIX,
  SYNC_TARGET_NAME_LABEL,
  type SyncContext,
  TENANT_ID_LABEL,
} from '@kcp-tmc/interfaces';
import { injectable } from 'tsyringe';
import { DefaultTransformerNames } from '../names.js';

// A label value: at most 63 characters, alphanumeric at both ends, `-_.` inside (or empty).
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/** Labels the syncer puts on downstream objects, which the upstream never had. */
export const DOWNSTREAM_ONLY_LABELS = [
  DOWNSTREAM_CLUSTER_LABEL,
  SYNC_TARGET_NAME_LABEL,
  MANAGED_LABEL,
  TENANT_ID_LABEL,
] as const;

/**
 * Down: the upstream state labels (`state.workload.kcp.io/<key>`, every SyncTarget's: upstream scheduling state
 * that would otherwise cause a downstream update on each state change) give way to the ownership label
 * `internal.workload.kcp.io/cluster=<key>` and the informational `kcp.io/sync-target=<name>` (left out when the
 * name is not a valid label value) and `kcp.io/managed=true`.
 * Up: the labels the syncer added are removed (ownership label → nothing).
 */
@injectable()
export class LabelsTransformer implements ResourceTransformer {
  readonly name = DefaultTransformerNames.Labels;

  transform(object: KubeObject, context: SyncContext): KubeObject {
    const labels = { ...object.metadata.labels };
    if (context.direction === 'down') {
      for (const key of Object.keys(labels)) if (key.startsWith(STATE_LABEL_PREFIX)) delete labels[key];
      labels[DOWNSTREAM_CLUSTER_LABEL] = context.syncTarget.key;
      const name = context.syncTarget.name;
      if (name.length <= 63 && LABEL_VALUE.test(name)) labels[SYNC_TARGET_NAME_LABEL] = name;
      labels[MANAGED_LABEL] = MANAGED_LABEL_VALUE;
    } else {
      for (const key of DOWNSTREAM_ONLY_LABELS) delete labels[key];
    }
    if (Object.keys(labels).length > 0) object.metadata.labels = labels;
    else delete object.metadata.labels;
    return object;
  }
}
