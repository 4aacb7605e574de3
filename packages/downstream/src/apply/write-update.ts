import { conflictSyncResult, writeWithConflictResolution } from '@kcp-tmc/conflict';
import {
  type ApplyRequest,
  type ApplyStrategy,
  DOWNSTREAM_CLUSTER_LABEL,
  type KubeObject,
  type SyncResult,
} from '@kcp-tmc/interfaces';
import { rememberApplied } from '../state/remember.js';
import type { ApplierParts } from './applier.js';
import { foldOurUpdateEntry, heldByOurUpdate, isSelfConflict } from './own-apply-entry.js';
import { createObject, updateObject, type WriteTarget } from './strategies.js';

/** One update of an existing downstream object, through @kcp-tmc/conflict's write-and-resolve path. */
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
  const { request, target } = w;
  const adopting = w.live.metadata.labels?.[DOWNSTREAM_CLUSTER_LABEL] !== parts.syncTarget.key;
  const namespace = w.body.metadata.namespace ?? '';
  const name = w.body.metadata.name as string;
  const outcome = await writeWithConflictResolution({
    context: request.context,
    resolver: parts.resolvers.resolverFor(target.gvr),
    maxRetries: parts.config.conflictRetries,
    desired: w.body,
    existing: w.live,
    ...(w.lastApplied === undefined ? {} : { lastApplied: w.lastApplied }),
    read: () => parts.live.get(target.gvr, namespace, name),
    write: (object, { force, existing }) => {
      // Gone since it was read: created again, as the resolution of that conflict.
      if (existing === undefined) return createObject(target, object);
      const write = (self: boolean) =>
        updateObject(target, w.strategy, object, existing, self || force || adopting);
      return w.strategy === 'server-side-apply'
        ? applyOverOwnEntry({ ...w, body: object }, write)
        : write(false);
    },
  });
  if (outcome.conflicts.length > 0 && request.item.retries === 0) {
    await parts.upstream.reportConflict(request.item.key, request.upstream, outcome.conflicts);
  }
  if (outcome.outcome === 'applied') {
    rememberApplied(parts.states, request, outcome.object, w.hash, w.desired);
  }
  const synced = conflictSyncResult(request.item.key, outcome);
  return outcome.outcome === 'applied' && w.why !== undefined ? { ...synced, reason: w.why } : synced;
}
