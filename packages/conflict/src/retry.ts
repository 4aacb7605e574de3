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

function describeResolution(resolver: string, resolution: ConflictResolution): string {
  switch (resolution.action) {
    case 'apply':
      return `${resolver}: applied${resolution.force ? ' with force' : ''}`;
    case 'keep-existing':
      return `${resolver}: kept existing (${resolution.reason})`;
    case 'abort':
      return `${resolver}: aborted (${resolution.reason})`;
  }
}

type Attempt = { readonly object: KubeObject } | { readonly conflict: SyncConflict; readonly error: unknown };

/** One write: the object written, or the conflict it met; any other error propagates. */
async function attemptWrite(
  options: Pick<ResolveWithRetriesOptions, 'write' | 'detect'>,
  object: KubeObject,
  write: WriteOptions,
): Promise<Attempt> {
  try {
    return { object: await options.write(object, write) };
  } catch (err) {
    const conflict = (options.detect ?? detectWriteConflict)(err);
    if (conflict === undefined) throw err;
    return { conflict, error: err };
  }
}

/**
 * Resolves a write conflict: re-read the downstream object, ask the resolver, write its resolution, and on a
 * new conflict start over, at most `maxRetries` rounds. Every conflict is returned with its resolution, for the
 * SyncResult and an Event ({@link conflictEvent}).
 */
export async function resolveWithRetries(options: ResolveWithRetriesOptions): Promise<ConflictOutcome> {
  const conflicts: SyncConflict[] = [];
  const { resolver } = options;
  let conflict = options.conflict;
  let lastError: unknown;
  let attempt = 0;
  while (attempt < options.maxRetries) {
    attempt++;
    const existing = await options.read();
    let written: Attempt;
    if (existing === undefined) {
      // The contested object is gone: nothing to resolve against, create what we want.
      conflicts.push({ ...conflict, resolution: 'object gone: re-created' });
      written = await attemptWrite(options, options.desired, { force: false, existing: undefined });
    } else {
      const resolution = await resolver.resolve({
        context: options.context,
        conflict,
        desired: options.desired,
        existing,
        ...(options.lastApplied === undefined ? {} : { lastApplied: options.lastApplied }),
        attempt,
      });
      conflicts.push({ ...conflict, resolution: describeResolution(resolver.name, resolution) });
      if (resolution.action === 'keep-existing') {
        return { outcome: 'kept', object: existing, reason: resolution.reason, conflicts, attempts: attempt };
      }
      if (resolution.action === 'abort') {
        const error = new TmcError({
          type: TmcErrorType.ResourceConflict,
          message: `conflict not resolved (${resolver.name}): ${resolution.reason}`,
          severity: 'warning',
          retryable: false,
        });
        return { outcome: 'aborted', reason: resolution.reason, error, conflicts, attempts: attempt };
      }
      written = await attemptWrite(options, resolution.object, {
        force: resolution.force ?? false,
        existing,
      });
    }
    if ('object' in written)
      return { outcome: 'applied', object: written.object, conflicts, attempts: attempt };
    lastError = written.error;
    conflict = written.conflict;
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
 * Writes `desired` over `existing` (the object as read) and, when that write meets a conflict, resolves it with
 * {@link resolveWithRetries}: the one write-and-resolve path of the spec syncer. `attempts` 0: written at once.
 */
export async function writeWithConflictResolution(
  options: Omit<ResolveWithRetriesOptions, 'conflict'> & { readonly existing: KubeObject },
): Promise<ConflictOutcome> {
  const first = await attemptWrite(options, options.desired, {
    force: false,
    existing: options.existing,
  });
  if ('object' in first) return { outcome: 'applied', object: first.object, conflicts: [], attempts: 0 };
  return resolveWithRetries({ ...options, conflict: first.conflict });
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
