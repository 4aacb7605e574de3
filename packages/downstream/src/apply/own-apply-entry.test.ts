import { detectWriteConflict } from '@kcp-tmc/conflict';
import { type KubeObject, TmcError, TmcErrorType } from '@kcp-tmc/interfaces';
import { describe, expect, it } from 'vitest';
import { foldedEntries, heldByOurUpdate, isSelfConflict } from './own-apply-entry.js';

const conflict = (message: string) =>
  new TmcError({
    type: TmcErrorType.ResourceConflict,
    message: 'Apply failed',
    causes: [{ reason: 'FieldManagerConflict', message, field: '.data.a' } as never],
  });

const created: KubeObject = {
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: {
    name: 'x',
    labels: { team: 'a' },
    managedFields: [
      {
        manager: 'syncer',
        operation: 'Update',
        apiVersion: 'v1',
        fieldsV1: { 'f:data': { 'f:a': {} }, 'f:metadata': { 'f:labels': { 'f:team': {} } } },
      },
      { manager: 'hpa', operation: 'Update', apiVersion: 'v1', fieldsV1: { 'f:data': { 'f:z': {} } } },
      { manager: 'syncer', operation: 'Apply', apiVersion: 'v1', fieldsV1: { 'f:data': { 'f:b': {} } } },
    ],
  },
  data: { a: '1', b: '1', z: '1' },
};

describe('our own Update entry (left by a POST create)', () => {
  it('is a self-conflict only when every field-manager conflict is with our Update entry', () => {
    expect(isSelfConflict(conflict('conflict with "syncer" using v1'), 'syncer')).toBe(true);
    expect(isSelfConflict(conflict('conflict with "hpa" using v1'), 'syncer')).toBe(false);
    expect(isSelfConflict(conflict('conflict with "syncer"'), 'syncer')).toBe(false);
    expect(
      isSelfConflict(new TmcError({ type: TmcErrorType.ResourceConflict, message: 'stale' }), 'syncer'),
    ).toBe(false);
  });

  // The wire names a cause's kind `reason` (a real kube-apiserver's 409 to an apply): read as a field-manager
  // conflict, not a stale resourceVersion.
  it('reads a FieldManagerConflict cause from the wire as a field-manager conflict', () => {
    expect(detectWriteConflict(conflict('conflict with "hpa" using v1'))).toEqual({
      kind: 'field-manager',
      message: 'Apply failed',
      fields: ['data.a'],
    });
  });

  it('folds into our Apply entry, leaving other managers alone', () => {
    const folded = foldedEntries(created.metadata.managedFields ?? [], 'syncer');
    expect(folded).toEqual([
      { manager: 'hpa', operation: 'Update', apiVersion: 'v1', fieldsV1: { 'f:data': { 'f:z': {} } } },
      {
        manager: 'syncer',
        operation: 'Apply',
        apiVersion: 'v1',
        fieldsV1: { 'f:data': { 'f:b': {}, 'f:a': {} }, 'f:metadata': { 'f:labels': { 'f:team': {} } } },
      },
    ]);
    expect(foldedEntries(folded ?? [], 'syncer')).toBeUndefined();
  });

  it('holds a field the apply dropped (so the apply cannot remove it)', () => {
    const desired: KubeObject = { ...created, metadata: { name: 'x' }, data: { a: '2', b: '1' } };
    expect(heldByOurUpdate(created, desired, 'syncer')).toBe(true);
    const keepsLabel: KubeObject = { ...desired, metadata: { name: 'x', labels: { team: 'a' } } };
    expect(heldByOurUpdate(created, keepsLabel, 'syncer')).toBe(false);
    // A field we never sent (the server defaulted it into the POST's entry) does not count.
    const sent: KubeObject = { ...created, metadata: { name: 'x' }, data: { a: '1', b: '1' } };
    expect(heldByOurUpdate(created, desired, 'syncer', sent)).toBe(false);
    expect(
      heldByOurUpdate(created, desired, 'syncer', {
        ...sent,
        metadata: { name: 'x', labels: { team: 'a' } },
      }),
    ).toBe(true);
  });
});
