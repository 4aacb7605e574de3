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
  SYNCED_SPEC_ANNOTATION,
  type SyncContext,
  UPSYNC_RESOURCE_VERSION_ANNOTATION,
} from '@kcp-tmc/interfaces';
import { injectable } from 'tsyringe';
import { DefaultTransformerNames } from '../names.js';
import { specFingerprint } from '../spec-fingerprint.js';

// Live in @kcp-tmc/interfaces (transformation writes them, upstream reads them); re-exported for callers.
export { SYNCED_GENERATION_ANNOTATION, SYNCED_SPEC_ANNOTATION };

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
 * keeps per SyncTarget), and records a fingerprint of the synced upstream spec. Up: removes the sync metadata
 * the syncer added.
 *
 * Invariant, enforced here: the downstream desired state is a function of what is synced (spec, labels, the
 * annotations that go down) and never of `metadata.generation` or `resourceVersion`. Those move on writes that
 * change nothing we sync: kube-apiserver bumps a Deployment's generation on any annotation change, our own
 * per-SyncTarget status annotation included. Were the generation copied down, every status write upstream
 * would become a spec write downstream, a new downstream generation, a new status, another status write: a
 * loop. So status sync never causes a downstream spec write, and nothing time-based is added either (every
 * resync would be an update).
 */
@injectable()
export class AnnotationsTransformer implements ResourceTransformer {
  readonly name = DefaultTransformerNames.Annotations;

  transform(object: KubeObject, context: SyncContext): KubeObject {
    const annotations = { ...object.metadata.annotations };
    // Never written any more; a copy an older agent left is dropped either way.
    delete annotations[SYNCED_GENERATION_ANNOTATION];
    if (context.direction === 'down') {
      for (const key of Object.keys(annotations)) if (isUpstreamOnly(key)) delete annotations[key];
      // Only kinds that keep a generation have an observedGeneration to translate on the way up. Runs before
      // any transformer that rewrites the spec, so it is the upstream spec the status path fingerprints too.
      if (typeof object.metadata.generation === 'number') {
        annotations[SYNCED_SPEC_ANNOTATION] = specFingerprint(object.spec);
      } else delete annotations[SYNCED_SPEC_ANNOTATION];
    } else {
      delete annotations[SYNCED_SPEC_ANNOTATION];
    }
    if (Object.keys(annotations).length > 0) object.metadata.annotations = annotations;
    else delete object.metadata.annotations;
    return object;
  }
}
