import {
  classifyError,
  type GVR,
  type KubeClient,
  type KubeObject,
  SyncTargetConditions,
} from '@kcp-tmc/interfaces';

const SSAR_GVR: GVR = Object.freeze({
  group: 'authorization.k8s.io',
  version: 'v1',
  resource: 'selfsubjectaccessreviews',
});

export interface AccessDecision {
  readonly allowed: boolean;
  /** Why not, when not allowed. */
  readonly reason?: string;
  /** The review itself failed (not a denial): worth asking again later. */
  readonly failed?: boolean;
}

/** One SelfSubjectAccessReview: may the client's user do `verb` on the GVR (all namespaces)? */
export async function reviewAccess(client: KubeClient, gvr: GVR, verb: string): Promise<AccessDecision> {
  const review: KubeObject = {
    apiVersion: 'authorization.k8s.io/v1',
    kind: 'SelfSubjectAccessReview',
    metadata: {},
    spec: { resourceAttributes: { group: gvr.group, version: gvr.version, resource: gvr.resource, verb } },
  };
  try {
    const answer = await client.create(SSAR_GVR, review);
    const status = (answer.status ?? {}) as { allowed?: boolean; reason?: string };
    if (status.allowed === true) return { allowed: true };
    const why = status.reason ? `: ${status.reason}` : '';
    return { allowed: false, reason: `SelfSubjectAccessReview denied verb "${verb}"${why}` };
  } catch (err) {
    return { allowed: false, failed: true, reason: classifyError(err, 'SelfSubjectAccessReview').message };
  }
}

/**
 * kcp's SyncerAuthorized condition (tmc: pkg/syncer/synctarget/gvr_source.go): False with reason
 * SyncerUnauthorized listing the GVRs whose review failed, True otherwise.
 */
export function syncerAuthorizedCondition(unauthorized: readonly string[]) {
  if (unauthorized.length === 0)
    return { type: SyncTargetConditions.SyncerAuthorized, status: 'True' as const };
  return {
    type: SyncTargetConditions.SyncerAuthorized,
    status: 'False' as const,
    reason: 'SyncerUnauthorized',
    severity: 'Error',
    message: `SSAR check failed for gvrs: ${unauthorized.join(';')}`,
  };
}
