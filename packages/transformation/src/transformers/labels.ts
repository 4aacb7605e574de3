import {
  DOWNSTREAM_CLUSTER_LABEL,
  type KubeObject,
  type ResourceTransformer,
  STATE_LABEL_PREFIX,
  type SyncContext,
  TENANT_ID_LABEL,
} from '@kcp-tmc/interfaces';
import { injectable } from 'tsyringe';
import { DefaultTransformerNames } from '../names.js';

/** Labels the syncer puts on downstream objects, which the upstream never had. */
export const DOWNSTREAM_ONLY_LABELS = [DOWNSTREAM_CLUSTER_LABEL, TENANT_ID_LABEL] as const;

/**
 * Down, exactly kcp's (pkg/syncer/spec/spec_process.go): our SyncTarget's state label
 * `state.workload.kcp.io/<key>` (upstream scheduling state, which would otherwise cause a downstream update on
 * each state change) gives way to the ownership label `internal.workload.kcp.io/cluster=<key>`; every other
 * label is copied. Up: the labels the syncer added are removed.
 */
@injectable()
export class LabelsTransformer implements ResourceTransformer {
  readonly name = DefaultTransformerNames.Labels;

  transform(object: KubeObject, context: SyncContext): KubeObject {
    const labels = { ...object.metadata.labels };
    if (context.direction === 'down') {
      delete labels[STATE_LABEL_PREFIX + context.syncTarget.key];
      labels[DOWNSTREAM_CLUSTER_LABEL] = context.syncTarget.key;
    } else {
      for (const key of DOWNSTREAM_ONLY_LABELS) delete labels[key];
    }
    if (Object.keys(labels).length > 0) object.metadata.labels = labels;
    else delete object.metadata.labels;
    return object;
  }
}
