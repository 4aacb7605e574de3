import { classifyHttpError, DOWNSTREAM_CLUSTER_LABEL, TmcError, TmcErrorType } from '@kcp-tmc/interfaces';
import { describe, expect, it } from 'vitest';
import {
  applyConflictError,
  existingDeployment,
  SYNC_TARGET_KEY,
  staleResourceVersionError,
} from '../test/support/fixtures.js';
import { ConflictKind, detectOwnershipConflict, detectWriteConflict, isOwnedByOther } from './detect.js';

describe('detectWriteConflict', () => {
  it('reads a 409 Conflict without causes as a stale resourceVersion', () => {
    const conflict = detectWriteConflict(staleResourceVersionError());
    expect(conflict?.kind).toBe(ConflictKind.StaleResourceVersion);
    expect(conflict?.message).toContain('the object has been modified');
    expect(conflict?.fields).toBeUndefined();
  });

  it('reads an apply conflict as field-manager, with the contested fields without their leading dot', () => {
    const error = applyConflictError([
      '.spec.replicas',
      '.spec.template.spec.containers[name="web"].image',
      '.spec.replicas',
    ]);
    const conflict = detectWriteConflict(error);
    expect(conflict).toEqual({
      kind: ConflictKind.FieldManager,
      message: error.message,
      fields: ['spec.replicas', 'spec.template.spec.containers[name="web"].image'],
    });
  });

  it('is not a conflict: AlreadyExists, other errors, non-TmcErrors', () => {
    const alreadyExists = classifyHttpError({
      status: 409,
      body: { kind: 'Status', reason: 'AlreadyExists', message: 'deployments.apps "web" already exists' },
    });
    expect(alreadyExists.type).toBe(TmcErrorType.AlreadyExists);
    expect(detectWriteConflict(alreadyExists)).toBeUndefined();
    expect(detectWriteConflict(new TmcError({ type: TmcErrorType.Invalid, message: 'bad' }))).toBeUndefined();
    expect(detectWriteConflict(new Error('409 Conflict'))).toBeUndefined();
    expect(detectWriteConflict(undefined)).toBeUndefined();
  });
});

describe('detectOwnershipConflict', () => {
  it('finds none on an object with our ownership label', () => {
    expect(detectOwnershipConflict(existingDeployment(), SYNC_TARGET_KEY)).toBeUndefined();
  });

  it('reports an object without the label, naming it', () => {
    const object = existingDeployment();
    delete object.metadata.labels?.[DOWNSTREAM_CLUSTER_LABEL];
    const conflict = detectOwnershipConflict(object, SYNC_TARGET_KEY);
    expect(conflict?.kind).toBe(ConflictKind.Ownership);
    expect(conflict?.message).toBe(
      `Deployment kcp-3kx8pw7yq2mb/web exists downstream without the ownership label ${DOWNSTREAM_CLUSTER_LABEL}`,
    );
    expect(isOwnedByOther(object, SYNC_TARGET_KEY)).toBe(false);
  });

  it("reports an object carrying another SyncTarget's key", () => {
    const object = existingDeployment();
    object.metadata.labels = { [DOWNSTREAM_CLUSTER_LABEL]: 'other-key' };
    expect(detectOwnershipConflict(object, SYNC_TARGET_KEY)?.message).toContain(
      'owned by another SyncTarget',
    );
    expect(isOwnedByOther(object, SYNC_TARGET_KEY)).toBe(true);
  });
});
