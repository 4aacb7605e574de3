import {
  CLUSTER_ANNOTATION,
  DELETION_ANNOTATION_PREFIX,
  FINALIZERS_ANNOTATION_PREFIX,
  type KubeObject,
  ORIGINAL_API_VERSION_ANNOTATION,
  type ResourceTransformer,
  SPEC_DIFF_ANNOTATION_PREFIX,
  STATUS_ANNOTATION_PREFIX,
  SYNCED_GENERATION_ANNOTATION,
  type SyncContext,
  UPSYNC_RESOURCE_VERSION_ANNOTATION,
} from '@kcp-tmc/interfaces';
import { injectable } from 'tsyringe';
import { DefaultTransformerNames } from '../names.js';

// Lives in @kcp-tmc/interfaces (transformation writes it, upstream reads it); re-exported for callers.
export { SYNCED_GENERATION_ANNOTATION };

/** Annotations only the upstream understands: stripped on the way down. */
export const UPSTREAM_ONLY_ANNOTATIONS: readonly string[] = [
  CLUSTER_ANNOTATION,
  ORIGINAL_API_VERSION_ANNOTATION,
  UPSYNC_RESOURCE_VERSION_ANNOTATION,
  // Added by the syncer virtual workspace, read by kcp's pod-spec mutator.
  'internal.workload.kcp.io/workspace-url',
  'scheduling.kcp.io/placement',
  'experimental.summarizing.workload.kcp.io',
  // The upstream client's last apply: a downstream `kubectl apply` would diff against the wrong object.
  'kubectl.kubernetes.io/last-applied-configuration',
];

/** Per-SyncTarget annotation prefixes (every SyncTarget's, not only ours): upstream-only, stripped on the way down. */
export const UPSTREAM_ONLY_ANNOTATION_PREFIXES: readonly string[] = [
  DELETION_ANNOTATION_PREFIX,
  FINALIZERS_ANNOTATION_PREFIX,
  STATUS_ANNOTATION_PREFIX,
  SPEC_DIFF_ANNOTATION_PREFIX,
  'diff.syncer.internal.kcp.io/',
];

function isUpstreamOnly(key: string): boolean {
  return (
    UPSTREAM_ONLY_ANNOTATIONS.includes(key) ||
    UPSTREAM_ONLY_ANNOTATION_PREFIXES.some((p) => key.startsWith(p))
  );
}

/**
 * Down: strips `kcp.io/cluster` and the other upstream-only annotations (including the deletion timestamps kcp
 * keeps per SyncTarget), and records the synced upstream generation. Nothing time-based is added: the desired
 * state must be equal for an unchanged upstream object, or every resync would be an update.
 * Up: removes the sync metadata the syncer added.
 */
@injectable()
export class AnnotationsTransformer implements ResourceTransformer {
  readonly name = DefaultTransformerNames.Annotations;

  transform(object: KubeObject, context: SyncContext): KubeObject {
    const annotations = { ...object.metadata.annotations };
    if (context.direction === 'down') {
      for (const key of Object.keys(annotations)) if (isUpstreamOnly(key)) delete annotations[key];
      const generation = object.metadata.generation;
      if (typeof generation === 'number') annotations[SYNCED_GENERATION_ANNOTATION] = String(generation);
      else delete annotations[SYNCED_GENERATION_ANNOTATION];
    } else {
      delete annotations[SYNCED_GENERATION_ANNOTATION];
    }
    if (Object.keys(annotations).length > 0) object.metadata.annotations = annotations;
    else delete object.metadata.annotations;
    return object;
  }
}
