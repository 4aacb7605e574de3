import {
  type GVR,
  isTmcError,
  type KubeClient,
  type KubeObject,
  type ObjectRef,
  STATUS_ANNOTATION_PREFIX,
  type StatusExtractor,
  type SyncOperation,
  statusAnnotation,
  TmcError,
  TmcErrorType,
} from '@kcp-tmc/interfaces';
import { canonicalJson, jsonEqual, mergePatchDiff } from '../json.js';

/**
 * The statuses every SyncTarget recorded on an upstream object, keyed by SyncTarget key. An annotation that
 * is not JSON is skipped: another agent's bad write must not stop this one.
 */
export function recordedStatuses(
  annotations: Readonly<Record<string, string>> | undefined,
): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const [key, value] of Object.entries(annotations ?? {})) {
    if (!key.startsWith(STATUS_ANNOTATION_PREFIX)) continue;
    const target = key.slice(STATUS_ANNOTATION_PREFIX.length);
    if (target === '') continue;
    try {
      out.set(target, JSON.parse(value));
    } catch {
      // Not ours to repair.
    }
  }
  return out;
}

export interface AggregateRequest {
  readonly client: KubeClient;
  readonly gvr: GVR;
  readonly ref: ObjectRef;
  readonly syncTargetKey: string;
  /** This target's extracted status; undefined withdraws it (the downstream object is gone). */
  readonly own: unknown;
  readonly extractor: StatusExtractor;
  /** Re-reads after a 409 before giving up with a retryable conflict. */
  readonly conflictRetries: number;
  /** The upstream object as cached: read first instead of a GET (its resourceVersion guards every write). */
  readonly cached?: KubeObject;
}

export interface AggregateOutcome {
  readonly operation: SyncOperation;
  readonly object?: KubeObject;
  /** Why nothing was written. */
  readonly reason?: string;
  /** 409s met (and retried) on the way. */
  readonly conflicts: number;
}

function isType(err: unknown, type: TmcErrorType): boolean {
  return isTmcError(err) && err.type === type;
}

/**
 * Records this target's status in `experimental.status.workload.kcp.io/<key>` and writes the merge of all
 * recorded statuses as the object's status, each only when it differs. Both writes are JSON merge patches
 * carrying the read resourceVersion: the annotation patch names only our key, so it cannot clobber another
 * agent's, and the precondition turns any interleaving into a 409, answered by a re-read. An object gone
 * upstream is reported, not thrown.
 */
export async function syncAggregatedStatus(request: AggregateRequest): Promise<AggregateOutcome> {
  const { client, gvr, ref, extractor } = request;
  const annotation = statusAnnotation(request.syncTargetKey);
  const desired = request.own === undefined ? undefined : canonicalJson(request.own);
  const subresources = (await client.mapping(gvr)).subresources;
  // kube-apiserver ignores `status` on the main resource of a type with a status subresource, and a type
  // without one keeps status in the object itself.
  const statusOptions = subresources.includes('status') ? { subresource: 'status' } : {};
  let conflicts = 0;
  let cached = request.cached;
  for (;;) {
    try {
      // After a 409 the cache is behind: read the server.
      let upstream = cached ?? (await client.get(gvr, ref));
      cached = undefined;
      let operation: SyncOperation = 'noop';
      if (upstream.metadata.annotations?.[annotation] !== desired) {
        upstream = await client.patch(gvr, ref, 'merge', {
          metadata: {
            resourceVersion: upstream.metadata.resourceVersion,
            annotations: { [annotation]: desired ?? null },
          },
        });
        operation = 'update';
      }
      const statuses = recordedStatuses(upstream.metadata.annotations);
      if (statuses.size === 0) {
        // Nobody reports: the last status stays, as kcp leaves it when a target goes away.
        return { operation, object: upstream, conflicts, reason: 'no SyncTarget recorded a status' };
      }
      const merged = extractor.merge(statuses, upstream);
      if (merged === undefined || jsonEqual(merged, upstream.status ?? {})) {
        return operation === 'noop'
          ? { operation, object: upstream, conflicts, reason: 'status unchanged' }
          : { operation, object: upstream, conflicts };
      }
      const patch = {
        metadata: { resourceVersion: upstream.metadata.resourceVersion },
        status: mergePatchDiff(upstream.status ?? {}, merged) ?? {},
      };
      upstream = await client.patch(gvr, ref, 'merge', patch, statusOptions);
      return { operation: 'update', object: upstream, conflicts };
    } catch (err) {
      if (isType(err, TmcErrorType.NotFound)) {
        return { operation: 'noop', conflicts, reason: 'upstream object is gone' };
      }
      if (!isType(err, TmcErrorType.ResourceConflict)) throw err;
      conflicts++;
      if (conflicts > request.conflictRetries) {
        throw new TmcError({
          type: TmcErrorType.ResourceConflict,
          message: `status of ${ref.namespace ? `${ref.namespace}/` : ''}${ref.name} still conflicting after ${conflicts} attempts`,
          cause: err,
        });
      }
    }
  }
}
