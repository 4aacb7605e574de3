import {
  classifyError,
  type GVR,
  groupResourceString,
  type KubeClient,
  type KubeObject,
  SyncTargetConditions,
  TmcErrorType,
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
  /** The authorizer's own words on a denial (`status.reason`), when it gave any. */
  readonly serverReason?: string;
  /** What kind of failure, when the review (or discovery) could not be made: unreachable, 401, ... */
  readonly failure?: TmcErrorType;
}

/**
 * The verbs the agent issues downstream on each synced resource: its informers list and watch; the applier
 * gets, creates, updates and patches (which of these depends on the GVR's apply strategy); the deleter patches
 * finalizers away and deletes. kcp's syncer reviews verb `*` instead, which only a wildcard rule grants.
 */
export const SYNCED_RESOURCE_VERBS: readonly string[] = Object.freeze([
  'get',
  'list',
  'watch',
  'create',
  'update',
  'patch',
  'delete',
]);
/** Downstream Events are only read (an informer), to copy them upstream. */
export const EVENT_VERBS: readonly string[] = Object.freeze(['list', 'watch']);
/**
 * Namespaces: ensured before an object lands (get, create), watched, and deleted once empty. Not reviewed
 * (kcp adds namespaces to the set unchecked), but granted by the rendered ClusterRole.
 */
export const NAMESPACE_VERBS: readonly string[] = Object.freeze(['get', 'list', 'watch', 'create', 'delete']);

/** What to grant for `verbs` on `gvr` downstream, in the words of a ClusterRole rule. */
export function downstreamGrantHint(gvr: GVR, verbs: readonly string[]): string {
  const name = groupResourceString(gvr);
  return `grant verbs ${verbs.join(', ')} on ${name} to the agent's downstream ServiceAccount (ClusterRole rule: apiGroups ["${gvr.group}"], resources ["${gvr.resource}"], verbs [${verbs.map((v) => `"${v}"`).join(', ')}])`;
}

/** The verbs of `verbs` the client's user is denied on the GVR, or the review failure. */
export interface VerbsDecision extends AccessDecision {
  readonly deniedVerbs?: readonly string[];
}

/**
 * One SelfSubjectAccessReview per verb. Denied when any verb is denied (the reason names them and what to
 * grant); failed when a review could not be made and none was denied.
 */
export async function reviewVerbs(
  client: KubeClient,
  gvr: GVR,
  verbs: readonly string[],
): Promise<VerbsDecision> {
  const decisions = await Promise.all(verbs.map((verb) => reviewAccess(client, gvr, verb)));
  const denied = verbs.filter((_, i) => decisions[i]?.allowed === false && decisions[i]?.failed !== true);
  if (denied.length > 0) {
    const quoted = denied.map((v) => `"${v}"`).join(', ');
    const server = decisions.find((d) => d.serverReason !== undefined)?.serverReason;
    return {
      allowed: false,
      deniedVerbs: denied,
      reason: `SelfSubjectAccessReview denied verb${denied.length > 1 ? 's' : ''} ${quoted} downstream${server === undefined ? '' : ` (${server})`}: ${downstreamGrantHint(gvr, denied)}`,
    };
  }
  const failure = decisions.find((d) => d.failed === true);
  return failure ?? { allowed: true };
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
    return {
      allowed: false,
      reason: `SelfSubjectAccessReview denied verb "${verb}"${why}`,
      ...(status.reason ? { serverReason: status.reason } : {}),
    };
  } catch (err) {
    const error = classifyError(err, 'SelfSubjectAccessReview');
    return { allowed: false, failed: true, reason: error.message, failure: error.type };
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

/**
 * Whether a synced resource can run: every verb the agent uses is granted downstream, and the downstream
 * cluster serves the resource (discovery knows it; a CRD missing there is `not served`).
 */
export async function reviewSynced(
  client: KubeClient,
  gvr: GVR,
): Promise<AccessDecision & { discovery?: boolean }> {
  const access = await reviewVerbs(client, gvr, SYNCED_RESOURCE_VERBS);
  if (!access.allowed) return access;
  try {
    await client.mapping(gvr);
    return { allowed: true };
  } catch (err) {
    const error = classifyError(err, 'discovery');
    const served = error.type === TmcErrorType.NotFound;
    return {
      allowed: false,
      discovery: true,
      failed: !served,
      failure: error.type,
      reason: served ? 'not served by the downstream cluster' : error.message,
    };
  }
}
