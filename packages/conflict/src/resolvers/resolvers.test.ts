import { type ConflictInput, DOWNSTREAM_CLUSTER_LABEL, type SyncConflict } from '@kcp-tmc/interfaces';
import { describe, expect, it } from 'vitest';
import {
  applyConflictError,
  context,
  desiredDeployment,
  existingDeployment,
  SYNC_TARGET_KEY,
  staleResourceVersionError,
} from '../../test/support/fixtures.js';
import { ConflictKind, detectOwnershipConflict, detectWriteConflict } from '../detect.js';
import { createResolver } from './index.js';

const stale = detectWriteConflict(staleResourceVersionError()) as SyncConflict;

function input(overrides: Partial<ConflictInput> = {}): ConflictInput {
  return {
    context: context(),
    conflict: stale,
    desired: desiredDeployment(3, 'nginx:1.28'),
    existing: existingDeployment((spec) => {
      spec.replicas = 9;
    }),
    lastApplied: desiredDeployment(3, 'nginx:1.27'),
    attempt: 1,
    ...overrides,
  };
}

function unlabelled() {
  const existing = existingDeployment();
  delete existing.metadata.labels?.[DOWNSTREAM_CLUSTER_LABEL];
  return existing;
}

describe('upstream-wins', () => {
  it('re-applies desired with force and without a resourceVersion', async () => {
    const desired = {
      ...desiredDeployment(),
      metadata: { ...desiredDeployment().metadata, resourceVersion: '1' },
    };
    const resolution = await createResolver('upstream-wins').resolve(input({ desired }));
    expect(resolution.action).toBe('apply');
    if (resolution.action !== 'apply') return;
    expect(resolution.force).toBe(true);
    expect(resolution.object.spec).toEqual(desiredDeployment().spec);
    expect(resolution.object.metadata.resourceVersion).toBeUndefined();
    expect(desired.metadata.resourceVersion).toBe('1');
  });

  it('adopts an unlabelled object only when adoption is enabled, never one of another SyncTarget', async () => {
    const existing = unlabelled();
    const conflict = detectOwnershipConflict(existing, SYNC_TARGET_KEY) as SyncConflict;
    expect((await createResolver('upstream-wins').resolve(input({ existing, conflict }))).action).toBe(
      'abort',
    );
    const adopting = createResolver('upstream-wins', { adoptExisting: true });
    expect((await adopting.resolve(input({ existing, conflict }))).action).toBe('apply');
    const foreign = existingDeployment();
    foreign.metadata.labels = { [DOWNSTREAM_CLUSTER_LABEL]: 'other' };
    const foreignConflict = detectOwnershipConflict(foreign, SYNC_TARGET_KEY) as SyncConflict;
    const resolution = await adopting.resolve(input({ existing: foreign, conflict: foreignConflict }));
    expect(resolution).toMatchObject({ action: 'abort' });
    expect(resolution.action === 'abort' && resolution.reason).toContain('never taken over');
  });
});

describe('downstream-wins and abort', () => {
  it('downstream-wins keeps the existing object', async () => {
    expect(await createResolver('downstream-wins').resolve(input())).toEqual({
      action: 'keep-existing',
      reason: `downstream wins: ${stale.message}`,
    });
  });

  it('abort reports the conflict and writes nothing', async () => {
    expect(await createResolver('abort').resolve(input())).toEqual({
      action: 'abort',
      reason: stale.message,
    });
  });
});

describe('three-way-merge', () => {
  it('on a stale resourceVersion merges against the fresh read: our image, their replicas, their version', async () => {
    const resolution = await createResolver('three-way-merge').resolve(input());
    expect(resolution.action).toBe('apply');
    if (resolution.action !== 'apply') return;
    expect(resolution.force).toBeUndefined();
    const spec = resolution.object.spec as {
      replicas: number;
      template: { spec: { containers: [{ image: string }] } };
    };
    expect(spec.replicas).toBe(9);
    expect(spec.template.spec.containers[0].image).toBe('nginx:1.28');
    expect(resolution.object.metadata.resourceVersion).toBe('42');
  });

  it('on an apply conflict leaves untouched contested fields to their manager and forces the ones we changed', async () => {
    const conflict = detectWriteConflict(
      applyConflictError(['.spec.replicas', '.spec.template.spec.containers[name="web"].image']),
    ) as SyncConflict;
    expect(conflict.kind).toBe(ConflictKind.FieldManager);
    const resolution = await createResolver('three-way-merge').resolve(input({ conflict }));
    expect(resolution.action).toBe('apply');
    if (resolution.action !== 'apply') return;
    expect(resolution.force).toBe(true);
    const spec = resolution.object.spec as Record<string, unknown> & {
      template: { spec: { containers: [{ image?: string }] } };
    };
    // replicas: 3 before and now, so it was not our change: released.
    expect('replicas' in spec).toBe(false);
    // image: 1.27 -> 1.28 is our change: kept and forced.
    expect(spec.template.spec.containers[0].image).toBe('nginx:1.28');
  });

  it('without a last-applied state releases every contested field', async () => {
    const conflict = detectWriteConflict(
      applyConflictError(['.spec.template.spec.containers[name="web"].image']),
    ) as SyncConflict;
    const { lastApplied: _, ...rest } = input({ conflict });
    const resolution = await createResolver('three-way-merge').resolve(rest);
    expect(resolution.action === 'apply' && resolution.object.spec).toMatchObject({
      replicas: 3,
      template: { spec: { containers: [{ name: 'web', ports: [{ containerPort: 80 }] }] } },
    });
    if (resolution.action === 'apply') {
      const spec = resolution.object.spec as {
        template: { spec: { containers: [Record<string, unknown>] } };
      };
      expect('image' in spec.template.spec.containers[0]).toBe(false);
    }
  });

  it('gates ownership like upstream-wins', async () => {
    const existing = unlabelled();
    const conflict = detectOwnershipConflict(existing, SYNC_TARGET_KEY) as SyncConflict;
    expect((await createResolver('three-way-merge').resolve(input({ existing, conflict }))).action).toBe(
      'abort',
    );
    const adopted = await createResolver('three-way-merge', { adoptExisting: true }).resolve(
      input({ existing, conflict }),
    );
    expect(adopted.action === 'apply' && adopted.object.metadata.labels?.[DOWNSTREAM_CLUSTER_LABEL]).toBe(
      SYNC_TARGET_KEY,
    );
  });
});

it('createResolver rejects unknown names', () => {
  expect(() => createResolver('last-writer-wins')).toThrow(/unknown conflict resolver "last-writer-wins"/);
});
