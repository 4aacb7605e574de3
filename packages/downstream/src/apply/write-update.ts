import {
  type ApplyRequest,
  type ApplyStrategy,
  DOWNSTREAM_CLUSTER_LABEL,
  type KubeObject,
  type SyncResult,
  TmcError,
  TmcErrorType,
} from '@kcp-tmc/interfaces';
import { rememberApplied } from '../state/remember.js';
import type { ApplierParts } from './applier.js';
import { writeResolvingConflicts } from './conflicts.js';
import { foldOurUpdateEntry, heldByOurUpdate, isSelfConflict } from './own-apply-entry.js';
import { failure, result } from './results.js';
import { updateObject, type WriteTarget } from './strategies.js';

/** One update of an existing downstream object, through the conflict loop. */
export interface UpdateWrite {
  readonly request: ApplyRequest;
  readonly target: WriteTarget;
  readonly strategy: ApplyStrategy;
  readonly body: KubeObject;
  readonly live: KubeObject;
  readonly hash: string;
  readonly desired: KubeObject;
  /** What we last applied, as read at the start of this apply (the key is ours until it ends). */
  readonly lastApplied: KubeObject | undefined;
  /** Why the differ asked for the write (`desired changed`, `drifted: spec`), reported as the reason. */
  readonly why?: string | undefined;
}

/**
 * A server-side apply over our own Update entry (left by the POST that created the object): a conflict with that
 * entry alone is forced, as kcp's syncer forces every apply (pkg/syncer/spec/spec_process.go), which moves the
 * fields to our Apply entry in the same request; when the entry holds fields the apply drops, it is turned into
 * our Apply entry and the apply repeated.
 */
async function applyOverOwnEntry(
  w: UpdateWrite,
  write: (force: boolean) => Promise<KubeObject>,
): Promise<KubeObject> {
  const { fieldManager } = w.target;
  let written: KubeObject;
  try {
    written = await write(false);
  } catch (err) {
    if (!isSelfConflict(err, fieldManager)) throw err;
    // Only our own entry is in the way: forcing takes nothing from another manager.
    written = await write(true);
  }
  if (!heldByOurUpdate(written, w.body, fieldManager, w.lastApplied)) return written;
  await foldOurUpdateEntry(w.target, written);
  return write(false);
}

export async function writeUpdate(parts: ApplierParts, w: UpdateWrite): Promise<SyncResult> {
  const { request } = w;
  const { key } = request.item;
  const adopting = w.live.metadata.labels?.[DOWNSTREAM_CLUSTER_LABEL] !== parts.syncTarget.key;
  const namespace = w.body.metadata.namespace ?? '';
  const name = w.body.metadata.name as string;
  const outcome = await writeResolvingConflicts(
    {
      context: request.context,
      registry: parts.resolvers,
      retries: parts.config.conflictRetries,
      desired: w.body,
      lastApplied: w.lastApplied,
      read: () => parts.live.get(w.target.gvr, namespace, name),
      write: (object, current, force) => {
        const write = (self: boolean) =>
          updateObject(w.target, w.strategy, object, current, self || force || adopting);
        return w.strategy === 'server-side-apply'
          ? applyOverOwnEntry({ ...w, body: object }, write)
          : write(false);
      },
    },
    w.live,
  );
  if (outcome.conflicts.length > 0 && request.item.retries === 0) {
    await parts.upstream.reportConflict(key, request.upstream, outcome.conflicts);
  }
  switch (outcome.status) {
    case 'written':
      rememberApplied(parts.states, request, outcome.object, w.hash, w.desired);
      return result(request, {
        operation: 'update',
        success: true,
        object: outcome.object,
        conflicts: outcome.conflicts,
        ...(w.why === undefined ? {} : { reason: w.why }),
      });
    case 'kept':
      return result(request, {
        operation: 'noop',
        success: true,
        object: outcome.object,
        conflicts: outcome.conflicts,
        reason: 'conflict resolved by keeping the downstream object',
      });
    case 'gone':
      return failure(
        request,
        new TmcError({
          type: TmcErrorType.NotFound,
          message: `${name} vanished downstream during the write`,
          retryable: true,
        }),
        outcome.conflicts,
      );
    case 'aborted':
      return failure(request, outcome.error, outcome.conflicts);
  }
}
