import {
  type ClusterKey,
  type ConflictResolution,
  type ConflictResolver,
  type KubeObject,
  type SyncConflict,
  type SyncContext,
  type SyncOperation,
  type SyncResult,
  TmcError,
  TmcErrorType,
} from '@kcp-tmc/interfaces';
import { detectWriteConflict } from './detect.js';

export interface WriteOptions {
  /** Server-side apply: take fields other managers hold. */
  readonly force: boolean;
  /** The object the resolution was computed against; undefined when it was gone (create). */
  readonly existing: KubeObject | undefined;
}

export interface ResolveWithRetriesOptions {
  readonly context: SyncContext;
  /** The object we want downstream. */
  readonly desired: KubeObject;
  /** What we applied last time (the base of a three-way merge), when known. */
  readonly lastApplied?: KubeObject;
  /** The conflict that started this (from detectWriteConflict or detectOwnershipConflict). */
  readonly conflict: SyncConflict;
  readonly resolver: ConflictResolver;
  /** Resolve-and-write rounds before giving up (DownstreamConfig.conflictRetries); below 1 gives up at once. */
  readonly maxRetries: number;
  /** Re-reads the downstream object from the server (never a cache); undefined when it is gone. */
  read(): Promise<KubeObject | undefined>;
  /** Writes a resolution. A conflict it throws starts the next round; any other error propagates. */
  write(object: KubeObject, options: WriteOptions): Promise<KubeObject>;
  /** Reads a failed write as a conflict; default {@link detectWriteConflict}. */
  detect?(error: unknown): SyncConflict | undefined;
}

interface OutcomeBase {
  /** Every conflict met, in order, each with how it was resolved. */
  readonly conflicts: readonly SyncConflict[];
  /** Resolve-and-write rounds used. */
  readonly attempts: number;
}

export type ConflictOutcome =
  | (OutcomeBase & { readonly outcome: 'applied'; readonly object: KubeObject })
  | (OutcomeBase & { readonly outcome: 'kept'; readonly object: KubeObject; readonly reason: string })
  /** Reported, not retried: the object waits for its next change (error.retryable is false). */
  | (OutcomeBase & { readonly outcome: 'aborted'; readonly reason: string; readonly error: TmcError })
  /** Still conflicting after maxRetries rounds: retried with backoff (error.retryable is true). */
  | (OutcomeBase & { readonly outcome: 'exhausted'; readonly error: TmcError });

function describeResolution(strategy: string, resolution: ConflictResolution): string {
  switch (resolution.action) {
    case 'apply':
      return `${strategy}: applied${resolution.force ? ' with force' : ''}`;
    case 'keep-existing':
      return `${strategy}: kept existing (${resolution.reason})`;
    case 'abort':
      return `${strategy}: aborted (${resolution.reason})`;
  }
}

/**
 * Resolves a write conflict: re-read the downstream object, ask the resolver, write its resolution, and on a
 * new conflict start over, at most `maxRetries` rounds. Every conflict is returned with its resolution, for the
 * SyncResult and an Event ({@link conflictEvent}).
 */
export async function resolveWithRetries(options: ResolveWithRetriesOptions): Promise<ConflictOutcome> {
  const detect = options.detect ?? detectWriteConflict;
  const conflicts: SyncConflict[] = [];
  let conflict = options.conflict;
  let lastError: unknown;
  let attempt = 0;
  while (attempt < options.maxRetries) {
    attempt++;
    const existing = await options.read();
    if (existing === undefined) {
      // The contested object is gone: nothing to resolve against, create what we want.
      conflicts.push({ ...conflict, resolution: 'object gone: re-created' });
      try {
        const object = await options.write(options.desired, { force: false, existing: undefined });
        return { outcome: 'applied', object, conflicts, attempts: attempt };
      } catch (err) {
        const next = detect(err);
        if (next === undefined) throw err;
        lastError = err;
        conflict = next;
        continue;
      }
    }
    const resolution = await options.resolver.resolve({
      context: options.context,
      conflict,
      desired: options.desired,
      existing,
      ...(options.lastApplied === undefined ? {} : { lastApplied: options.lastApplied }),
      attempt,
    });
    conflicts.push({ ...conflict, resolution: describeResolution(options.resolver.strategy, resolution) });
    if (resolution.action === 'keep-existing') {
      return { outcome: 'kept', object: existing, reason: resolution.reason, conflicts, attempts: attempt };
    }
    if (resolution.action === 'abort') {
      const error = new TmcError({
        type: TmcErrorType.ResourceConflict,
        message: `conflict not resolved (${options.resolver.strategy}): ${resolution.reason}`,
        severity: 'warning',
        retryable: false,
      });
      return { outcome: 'aborted', reason: resolution.reason, error, conflicts, attempts: attempt };
    }
    try {
      const object = await options.write(resolution.object, { force: resolution.force ?? false, existing });
      return { outcome: 'applied', object, conflicts, attempts: attempt };
    } catch (err) {
      const next = detect(err);
      if (next === undefined) throw err;
      lastError = err;
      conflict = next;
    }
  }
  conflicts.push({ ...conflict, resolution: `unresolved after ${attempt} attempt(s)` });
  const error = new TmcError({
    type: TmcErrorType.ResourceConflict,
    message: `conflict unresolved after ${attempt} attempt(s): ${conflict.message}`,
    retryable: true,
    ...(lastError === undefined ? {} : { cause: lastError }),
  });
  return { outcome: 'exhausted', error, conflicts, attempts: attempt };
}

/**
 * The SyncResult of a resolved (or not) conflict. `operation` is what the write was (create or update) when it
 * happened; a kept object is a noop.
 */
export function conflictSyncResult(
  key: ClusterKey,
  outcome: ConflictOutcome,
  operation: SyncOperation = 'update',
): SyncResult {
  const base = { key, conflicts: outcome.conflicts };
  switch (outcome.outcome) {
    case 'applied':
      return { ...base, operation, success: true, object: outcome.object };
    case 'kept':
      return { ...base, operation: 'noop', success: true, object: outcome.object, reason: outcome.reason };
    case 'aborted':
      return { ...base, operation: 'noop', success: false, error: outcome.error, reason: outcome.reason };
    case 'exhausted':
      return { ...base, operation, success: false, error: outcome.error };
  }
}
