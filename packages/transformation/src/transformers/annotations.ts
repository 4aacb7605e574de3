import {
  CLUSTER_ANNOTATION,
  type KubeObject,
  type ResourceTransformer,
  STATUS_ANNOTATION_PREFIX,
  SYNCED_GENERATION_ANNOTATION,
  SYNCED_SPEC_ANNOTATION,
  SYNCER_VIEW_ANNOTATION_PREFIX,
  type SyncContext,
} from '@kcp-tmc/interfaces';
import { injectable } from 'tsyringe';
import { DefaultTransformerNames } from '../names.js';

// Live in @kcp-tmc/interfaces (older agents wrote them, upstream still reads them); re-exported for callers.
export { SYNCED_GENERATION_ANNOTATION, SYNCED_SPEC_ANNOTATION };

/** Annotations stripped on the way down (besides our SyncTarget's status annotation), as kcp does. */
export const UPSTREAM_ONLY_ANNOTATIONS: readonly string[] = [CLUSTER_ANNOTATION];

/**
 * Prefixes stripped on the way down: the syncer view annotations the syncer virtual workspace already hides
 * from kcp's syncer (so a wildcard or plain upstream gives the same downstream object).
 */
export const UPSTREAM_ONLY_ANNOTATION_PREFIXES: readonly string[] = [SYNCER_VIEW_ANNOTATION_PREFIX];

/** What older agents of ours wrote downstream; kcp writes neither. Dropped in both directions. */
const OUR_OLD_ANNOTATIONS = [SYNCED_GENERATION_ANNOTATION, SYNCED_SPEC_ANNOTATION];

/**
 * Down, exactly kcp's (pkg/syncer/spec/spec_process.go, `applyToDownstream`): every annotation is copied
 * (`kubectl.kubernetes.io/last-applied-configuration` included) except `kcp.io/cluster`, our SyncTarget's
 * `experimental.status.workload.kcp.io/<key>` and the virtual workspace's `diff.syncer.internal.kcp.io/*`
 * (ground-truth/go-syncer/downstream-ns-*.json). An emptied map goes.
 *
 * Nothing derived from `metadata.generation` or `resourceVersion` is added: those move on writes that change
 * nothing synced (kube-apiserver bumps a Deployment's generation on any annotation change), and a downstream
 * copy of them would turn every upstream status write into a downstream spec write.
 */
@injectable()
export class AnnotationsTransformer implements ResourceTransformer {
  readonly name = DefaultTransformerNames.Annotations;

  transform(object: KubeObject, context: SyncContext): KubeObject {
    if (object.metadata.annotations === undefined) return object;
    const annotations = { ...object.metadata.annotations };
    for (const key of OUR_OLD_ANNOTATIONS) delete annotations[key];
    if (context.direction === 'down') {
      for (const key of UPSTREAM_ONLY_ANNOTATIONS) delete annotations[key];
      delete annotations[STATUS_ANNOTATION_PREFIX + context.syncTarget.key];
      for (const key of Object.keys(annotations)) {
        if (UPSTREAM_ONLY_ANNOTATION_PREFIXES.some((p) => key.startsWith(p))) delete annotations[key];
      }
    }
    if (Object.keys(annotations).length > 0) object.metadata.annotations = annotations;
    else delete object.metadata.annotations;
    return object;
  }
}
