import {
  type HeartbeatReporter,
  type LeaderElection,
  type Logger,
  SyncTargetConditions,
  TmcErrorType,
} from '@kcp-tmc/interfaces';
import { type AccessDecision, syncerAuthorizedCondition } from './access-review.js';
import type { GvrSet } from './gvr-set.js';

/** Why a GVR is not synced: a refused review, a 401, an unreachable server, a failed review, or not served. */
export type DropCause = 'Forbidden' | 'Unauthorized' | 'Unreachable' | 'Failed' | 'NotServed';

export function dropCause(decision: AccessDecision & { discovery?: boolean }): DropCause {
  if (decision.failed !== true) return decision.discovery === true ? 'NotServed' : 'Forbidden';
  if (decision.failure === TmcErrorType.Unauthorized) return 'Unauthorized';
  if (decision.failure === TmcErrorType.ClusterUnreachable || decision.failure === TmcErrorType.Timeout) {
    return 'Unreachable';
  }
  return 'Failed';
}

type SyncTargetCondition = Parameters<HeartbeatReporter['setCondition']>[0];

function withCause(set: GvrSet, cause: DropCause): string[] {
  return Object.entries(set.causes ?? {})
    .filter(([, c]) => c === cause)
    .map(([gvr]) => gvr)
    .sort();
}

/**
 * SyncerAuthorized by cause. A denial is kcp's own condition (False, SyncerUnauthorized, "SSAR check failed for
 * gvrs: ..."); kcp v0.11's syncer says the same when the review could not be made at all
 * (pkg/syncer/resourcesync/controller.go), which reads an unreachable cluster as a permission problem. Here a
 * 401 is False with reason DownstreamUnauthorized, and an unreachable or failing server is Unknown (nothing is
 * known about the permissions) with reason DownstreamUnreachable or AccessReviewFailed.
 */
export function syncerAuthorized(set: GvrSet): SyncTargetCondition {
  const type = SyncTargetConditions.SyncerAuthorized;
  if (set.unauthorized.length > 0) return syncerAuthorizedCondition(set.unauthorized);
  const unauthorized = withCause(set, 'Unauthorized');
  if (unauthorized.length > 0) {
    return {
      type,
      status: 'False',
      reason: 'DownstreamUnauthorized',
      severity: 'Error',
      message: `the downstream cluster rejects the agent's credentials (HTTP 401) reviewing access for gvrs: ${unauthorized.join(';')}`,
    };
  }
  const unreachable = withCause(set, 'Unreachable');
  const failed = withCause(set, 'Failed');
  if (unreachable.length > 0 || failed.length > 0) {
    return {
      type,
      status: 'Unknown',
      reason: unreachable.length > 0 ? 'DownstreamUnreachable' : 'AccessReviewFailed',
      severity: 'Warning',
      message: `access could not be reviewed downstream (${unreachable.length > 0 ? 'cluster unreachable' : 'review failed'}) for gvrs: ${[...unreachable, ...failed].join(';')}`,
    };
  }
  return { type, status: 'True' };
}

/** Resources the SyncTarget accepts that the downstream cluster does not serve (a CRD missing there). */
export function downstreamResourcesAvailable(set: GvrSet): SyncTargetCondition {
  const type = SyncTargetConditions.DownstreamResourcesAvailable;
  const missing = withCause(set, 'NotServed');
  if (missing.length === 0) return { type, status: 'True' };
  return {
    type,
    status: 'False',
    reason: 'ResourceNotServed',
    severity: 'Warning',
    message: `not served by the downstream cluster (install the CustomResourceDefinition there): ${missing.join(';')}`,
  };
}

/**
 * Writes the agent's SyncTarget conditions when they change, and only while leading: a standby or an agent
 * that lost its lease writes nothing. DownstreamResourcesAvailable, a condition kcp's syncer does not know, is
 * written only once a resource was missing, so a SyncTarget that never lacked one looks as kcp's syncer leaves
 * it; it turns True when the resource is served.
 */
export class SyncTargetConditionReporter {
  private readonly written = new Map<string, string>();

  constructor(
    private readonly heartbeat: HeartbeatReporter | undefined,
    private readonly leader: LeaderElection | undefined,
    private readonly logger: Logger,
  ) {}

  async report(set: GvrSet): Promise<void> {
    if (this.heartbeat === undefined) return;
    if (this.leader !== undefined && !this.leader.isLeader()) return;
    const resources = downstreamResourcesAvailable(set);
    const conditions = [syncerAuthorized(set)];
    if (resources.status !== 'True' || this.written.has(resources.type)) conditions.push(resources);
    for (const condition of conditions) {
      const signature = JSON.stringify(condition);
      if (this.written.get(condition.type) === signature) continue;
      try {
        await this.heartbeat.setCondition(condition);
        this.written.set(condition.type, signature);
      } catch (err) {
        this.logger.warn('could not set a SyncTarget condition', {
          type: condition.type,
          error: String(err),
        });
      }
    }
  }
}
