import type { ConflictResolver, KubeObject, SyncConflict } from '@kcp-tmc/interfaces';
import { DOWNSTREAM_CLUSTER_LABEL, TmcError, TmcErrorType } from '@kcp-tmc/interfaces';
import { describe, expect, it } from 'vitest';
import {
  applyConflictError,
  context,
  desiredDeployment,
  existingDeployment,
  SYNC_TARGET_KEY,
  staleResourceVersionError,
} from '../test/support/fixtures.js';
import { ConflictKind, detectOwnershipConflict, detectWriteConflict } from './detect.js';
import { createResolver } from './resolvers/index.js';
import {
  conflictSyncResult,
  type ResolveWithRetriesOptions,
  resolveWithRetries,
  type WriteOptions,
  writeWithConflictResolution,
} from './retry.js';

const stale = detectWriteConflict(staleResourceVersionError()) as SyncConflict;

/** A downstream object that someone else keeps changing: every read bumps the resourceVersion. */
class FakeDownstream {
  reads = 0;
  writes: Array<{ object: KubeObject; options: WriteOptions }> = [];
  current: KubeObject | undefined = existingDeployment();
  failures: unknown[] = [];

  async read(): Promise<KubeObject | undefined> {
    this.reads++;
    return this.current === undefined ? undefined : structuredClone(this.current);
  }

  async write(object: KubeObject, options: WriteOptions): Promise<KubeObject> {
    this.writes.push({ object, options });
    const failure = this.failures.shift();
    if (failure !== undefined) throw failure;
    this.current = {
      ...object,
      metadata: { ...object.metadata, resourceVersion: String(100 + this.writes.length) },
    };
    return this.current;
  }
}

function options(
  downstream: FakeDownstream,
  resolver: ConflictResolver,
  overrides: Partial<ResolveWithRetriesOptions> = {},
): ResolveWithRetriesOptions {
  return {
    context: context(),
    desired: desiredDeployment(3, 'nginx:1.28'),
    lastApplied: desiredDeployment(3, 'nginx:1.27'),
    conflict: stale,
    resolver,
    maxRetries: 3,
    read: () => downstream.read(),
    write: (object, opts) => downstream.write(object, opts),
    ...overrides,
  };
}

describe('resolveWithRetries', () => {
  it('re-reads, resolves and writes once when the write succeeds', async () => {
    const downstream = new FakeDownstream();
    const outcome = await resolveWithRetries(options(downstream, createResolver('upstream-wins')));
    expect(outcome.outcome).toBe('applied');
    expect(outcome.attempts).toBe(1);
    expect(downstream.reads).toBe(1);
    expect(downstream.writes).toHaveLength(1);
    expect(downstream.writes[0]?.options.force).toBe(true);
    expect(outcome.conflicts).toEqual([{ ...stale, resolution: 'upstream-wins: applied with force' }]);
  });

  it('starts over on a new conflict, each round on a fresh read, and records every conflict', async () => {
    const downstream = new FakeDownstream();
    downstream.failures = [applyConflictError(['.spec.replicas']), staleResourceVersionError()];
    const outcome = await resolveWithRetries(options(downstream, createResolver('three-way-merge')));
    expect(outcome.outcome).toBe('applied');
    expect(outcome.attempts).toBe(3);
    expect(downstream.reads).toBe(3);
    expect(outcome.conflicts.map((c) => c.kind)).toEqual([
      ConflictKind.StaleResourceVersion,
      ConflictKind.FieldManager,
      ConflictKind.StaleResourceVersion,
    ]);
    expect(outcome.conflicts[1]?.resolution).toBe('three-way-merge: applied with force');
  });

  it('gives up after maxRetries rounds with a retryable ResourceConflict', async () => {
    const downstream = new FakeDownstream();
    downstream.failures = [
      staleResourceVersionError(),
      staleResourceVersionError(),
      staleResourceVersionError(),
    ];
    const outcome = await resolveWithRetries(
      options(downstream, createResolver('upstream-wins'), { maxRetries: 2 }),
    );
    expect(outcome.outcome).toBe('exhausted');
    expect(outcome.attempts).toBe(2);
    expect(downstream.writes).toHaveLength(2);
    if (outcome.outcome !== 'exhausted') return;
    expect(outcome.error.type).toBe(TmcErrorType.ResourceConflict);
    expect(outcome.error.retryable).toBe(true);
    expect(outcome.error.cause).toBeInstanceOf(TmcError);
    expect(outcome.conflicts.at(-1)?.resolution).toBe('unresolved after 2 attempt(s)');
  });

  it('with maxRetries 0 reports the conflict without reading or writing', async () => {
    const downstream = new FakeDownstream();
    const outcome = await resolveWithRetries(
      options(downstream, createResolver('upstream-wins'), { maxRetries: 0 }),
    );
    expect(outcome.outcome).toBe('exhausted');
    expect(downstream.reads + downstream.writes.length).toBe(0);
  });

  it('keeps the existing object (downstream-wins) without writing', async () => {
    const downstream = new FakeDownstream();
    const outcome = await resolveWithRetries(options(downstream, createResolver('downstream-wins')));
    expect(outcome.outcome).toBe('kept');
    expect(downstream.writes).toHaveLength(0);
    expect(outcome.outcome === 'kept' && outcome.object.metadata.resourceVersion).toBe('42');
  });

  it('aborts with a non-retryable error (waits for the next change)', async () => {
    const downstream = new FakeDownstream();
    delete downstream.current?.metadata.labels?.[DOWNSTREAM_CLUSTER_LABEL];
    const conflict = detectOwnershipConflict(
      downstream.current as KubeObject,
      SYNC_TARGET_KEY,
    ) as SyncConflict;
    const outcome = await resolveWithRetries(
      options(downstream, createResolver('upstream-wins'), { conflict }),
    );
    expect(outcome.outcome).toBe('aborted');
    expect(downstream.writes).toHaveLength(0);
    if (outcome.outcome !== 'aborted') return;
    expect(outcome.error.retryable).toBe(false);
    expect(outcome.reason).toContain('adoption of existing objects is disabled');
  });

  it('re-creates the object when the re-read finds it gone', async () => {
    const downstream = new FakeDownstream();
    downstream.current = undefined;
    const desired = desiredDeployment(5);
    const outcome = await resolveWithRetries(
      options(downstream, createResolver('downstream-wins'), { desired }),
    );
    expect(outcome.outcome).toBe('applied');
    expect(downstream.writes[0]).toEqual({ object: desired, options: { force: false, existing: undefined } });
    expect(outcome.conflicts[0]?.resolution).toBe('object gone: re-created');
  });

  it('passes other write errors through untouched', async () => {
    const downstream = new FakeDownstream();
    const forbidden = new TmcError({ type: TmcErrorType.Forbidden, message: 'no' });
    downstream.failures = [forbidden];
    await expect(resolveWithRetries(options(downstream, createResolver('upstream-wins')))).rejects.toBe(
      forbidden,
    );
  });

  it('gives the resolver the attempt number and the last applied state', async () => {
    const seen: Array<[number, boolean]> = [];
    const resolver: ConflictResolver = {
      name: 'spy',
      resolve: (input) => {
        seen.push([input.attempt, input.lastApplied !== undefined]);
        return { action: 'apply', object: input.desired };
      },
    };
    const downstream = new FakeDownstream();
    downstream.failures = [staleResourceVersionError()];
    await resolveWithRetries(options(downstream, resolver));
    expect(seen).toEqual([
      [1, true],
      [2, true],
    ]);
  });
});

describe('writeWithConflictResolution', () => {
  const write = (downstream: FakeDownstream) => {
    const { conflict: _, ...rest } = options(downstream, createResolver('upstream-wins'));
    return writeWithConflictResolution({ ...rest, existing: existingDeployment() });
  };

  it('writes over the object as read, without reading again when there is no conflict', async () => {
    const downstream = new FakeDownstream();
    const outcome = await write(downstream);
    expect(outcome).toMatchObject({ outcome: 'applied', attempts: 0, conflicts: [] });
    expect(downstream.reads).toBe(0);
    expect(downstream.writes[0]?.options).toEqual({ force: false, existing: existingDeployment() });
  });

  it('resolves a conflict of its first write on a fresh read', async () => {
    const downstream = new FakeDownstream();
    downstream.failures = [applyConflictError(['.spec.replicas'])];
    const outcome = await write(downstream);
    expect(outcome).toMatchObject({ outcome: 'applied', attempts: 1 });
    expect(downstream.reads).toBe(1);
    expect(downstream.writes.map((w) => w.options.force)).toEqual([false, true]);
    expect(outcome.conflicts.map((c) => [c.kind, c.resolution])).toEqual([
      [ConflictKind.FieldManager, 'upstream-wins: applied with force'],
    ]);
  });
});

describe('conflictSyncResult', () => {
  const key = context().key;

  it('maps each outcome to a SyncResult carrying the conflicts', async () => {
    const applied = await resolveWithRetries(options(new FakeDownstream(), createResolver('upstream-wins')));
    expect(conflictSyncResult(key, applied)).toMatchObject({ operation: 'update', success: true });
    expect(conflictSyncResult(key, applied).conflicts).toHaveLength(1);

    const kept = await resolveWithRetries(options(new FakeDownstream(), createResolver('downstream-wins')));
    expect(conflictSyncResult(key, kept)).toMatchObject({ operation: 'noop', success: true });

    const aborted = await resolveWithRetries(options(new FakeDownstream(), createResolver('abort')));
    const abortedResult = conflictSyncResult(key, aborted);
    expect(abortedResult).toMatchObject({ operation: 'noop', success: false, reason: stale.message });
    expect(abortedResult.error?.retryable).toBe(false);

    const exhausted = await resolveWithRetries(
      options(new FakeDownstream(), createResolver('upstream-wins'), { maxRetries: 0 }),
    );
    expect(conflictSyncResult(key, exhausted, 'create')).toMatchObject({
      operation: 'create',
      success: false,
    });
  });
});
