import type { KubeObject } from '@kcp-tmc/interfaces';
import { describe, expect, it } from 'vitest';
import { canonicalHash } from './canonical.js';
import { decide, desiredHash, driftedFields, normalizeDesired } from './differ.js';

const desired = (): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'ns', labels: { app: 'web' } },
  spec: { replicas: 2, template: { spec: { containers: [{ name: 'c', image: 'img:1' }] } } },
});
// The live downstream object as the server keeps what we wrote: nothing of ours beyond the desired object
// (kcp's syncer writes no annotation of its own: ground-truth/go-syncer/downstream-ns-*.json).
const liveOf = (d: KubeObject, extra: Partial<KubeObject> = {}): KubeObject => ({
  ...structuredClone(d),
  ...extra,
  metadata: {
    ...structuredClone(d.metadata),
    uid: 'u',
    resourceVersion: '5',
    ...extra.metadata,
  },
});

describe('differ', () => {
  it('hashes only what we write: server metadata and status do not change it', () => {
    const d = desired();
    const noisy = {
      ...structuredClone(d),
      status: { ready: 1 },
      metadata: {
        ...d.metadata,
        uid: 'x',
        resourceVersion: '9',
        generation: 4,
        managedFields: [],
      },
    };
    expect(desiredHash(noisy)).toBe(desiredHash(d));
    expect(normalizeDesired(noisy).metadata).toEqual(d.metadata);
    const changed = desired();
    (changed.spec as { replicas: number }).replicas = 3;
    expect(desiredHash(changed)).not.toBe(desiredHash(d));
    // Key order is not content.
    const reordered = {
      spec: d.spec,
      metadata: d.metadata,
      kind: d.kind,
      apiVersion: d.apiVersion,
    } as KubeObject;
    expect(desiredHash(reordered)).toBe(desiredHash(d));
  });

  it('hashes what normalizeDesired keeps, as every earlier release stored it, and leaves its input alone', () => {
    const noisy = { ...desired(), status: { ready: 1 } };
    noisy.metadata = { ...noisy.metadata, uid: 'x', resourceVersion: '9', finalizers: ['f'] };
    const before = structuredClone(noisy);
    expect(desiredHash(noisy)).toBe(canonicalHash(normalizeDesired(noisy)));
    // Pinned (the value of the release before): a changed scheme would make every object look changed after an upgrade.
    expect(desiredHash(desired())).toBe('Ez9uD02zu0PmOXCau8Et9wsGJO7QqlsZ');
    expect(noisy).toEqual(before);
  });

  it('ignoreFields leave the hash and the drift check', () => {
    const d = desired();
    const other = desired();
    (other.spec as { replicas: number }).replicas = 9;
    expect(desiredHash(other, ['spec.replicas'])).toBe(desiredHash(d, ['spec.replicas']));
    expect(driftedFields(liveOf(other), d, ['spec.replicas'])).toEqual([]);
  });

  it('create when nothing is live', () => {
    expect(decide({ desired: desired(), hash: 'h', live: undefined, storedHash: undefined })).toEqual({
      action: 'create',
    });
  });

  it('noop when the hash matches the state store (or nothing is remembered, after a restart) and every field is there', () => {
    const d = desired();
    const hash = desiredHash(d);
    const live = liveOf(d, { status: { readyReplicas: 2 } });
    expect(decide({ desired: d, hash, live, storedHash: hash }).action).toBe('noop');
    expect(decide({ desired: d, hash, live, storedHash: undefined }).action).toBe('noop');
    // Extra fields the server defaulted downstream are not drift.
    const defaulted = liveOf(d, { spec: { ...(d.spec as object), revisionHistoryLimit: 10 } });
    expect(decide({ desired: d, hash, live: defaulted, storedHash: hash }).action).toBe('noop');
  });

  it('update when desired changed since the last apply, or (nothing remembered) the live object lacks a value', () => {
    const d = desired();
    const hash = desiredHash(d);
    expect(decide({ desired: d, hash, live: liveOf(d), storedHash: 'older' })).toEqual({
      action: 'update',
      why: 'desired changed',
    });
    const before = desired();
    (before.spec as { replicas: number }).replicas = 1;
    expect(decide({ desired: d, hash, live: liveOf(before), storedHash: undefined })).toEqual({
      action: 'update',
      why: 'drifted: spec',
    });
  });

  it('update naming the drifted fields when a field we own was changed downstream', () => {
    const d = desired();
    const hash = desiredHash(d);
    const live = liveOf(d);
    (
      live.spec as { template: { spec: { containers: Array<{ image: string }> } } }
    ).template.spec.containers[0] = {
      image: 'hacked',
    };
    live.metadata.labels = {};
    expect(decide({ desired: d, hash, live, storedHash: hash })).toEqual({
      action: 'update',
      why: 'drifted: metadata.labels, spec',
    });
    expect(driftedFields(live, d)).toEqual(['metadata.labels', 'spec']);
  });

  it('compares a Secret written with stringData against the base64 data the server keeps', () => {
    const secret: KubeObject = {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 's' },
      stringData: { key: 'value' },
    };
    const live = { ...secret, stringData: undefined, data: { key: Buffer.from('value').toString('base64') } };
    expect(driftedFields(live as KubeObject, secret)).toEqual([]);
    const changed = { ...live, data: { key: Buffer.from('other').toString('base64') } };
    expect(driftedFields(changed as KubeObject, secret)).toEqual(['data']);
  });
});

describe('decide after a restart (nothing remembered)', () => {
  const owned = (fieldsV1: Record<string, unknown>, manager = 'kcp-tmc-syncer') => ({
    managedFields: [{ manager, operation: 'Apply' as const, fieldsType: 'FieldsV1', fieldsV1 }],
  });

  it('update when a field our manager applied is no longer wanted (removed upstream while we were down)', () => {
    const d = desired();
    const hash = desiredHash(d);
    const live = liveOf(d, {
      metadata: {
        ...d.metadata,
        labels: { app: 'web', old: 'x' },
        annotations: { gone: 'y' },
        ...owned({
          'f:metadata': { 'f:labels': { 'f:app': {}, 'f:old': {} }, 'f:annotations': { 'f:gone': {} } },
          'f:spec': { 'f:replicas': {}, 'f:paused': {} },
        }),
      },
    });
    expect(decide({ desired: d, hash, live, storedHash: undefined, fieldManager: 'kcp-tmc-syncer' })).toEqual(
      {
        action: 'update',
        why: 'no longer wanted: metadata.labels.old, metadata.annotations.gone, spec.paused',
      },
    );
    // Another manager's fields are not ours to take away, and with a remembered hash the store decides.
    expect(decide({ desired: d, hash, live, storedHash: undefined, fieldManager: 'other' }).action).toBe(
      'noop',
    );
    expect(decide({ desired: d, hash, live, storedHash: hash, fieldManager: 'kcp-tmc-syncer' }).action).toBe(
      'noop',
    );
  });

  it('noop when every field our manager applied is still wanted', () => {
    const d = desired();
    const live = liveOf(d, {
      metadata: {
        ...d.metadata,
        ...owned({
          'f:metadata': { 'f:labels': { 'f:app': {} } },
          'f:spec': { 'f:replicas': {}, 'f:template': {} },
        }),
      },
    });
    expect(
      decide({
        desired: d,
        hash: desiredHash(d),
        live,
        storedHash: undefined,
        fieldManager: 'kcp-tmc-syncer',
      }).action,
    ).toBe('noop');
  });
});

describe('decide after a restart, Secrets', () => {
  it('reads stringData we applied as the data or the stringData the server recorded', () => {
    const secret: KubeObject = {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 's' },
      stringData: { k: 'v' },
    };
    const live: KubeObject = {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: {
        name: 's',
        managedFields: [
          { manager: 'm', operation: 'Apply', fieldsType: 'FieldsV1', fieldsV1: { 'f:data': { 'f:k': {} } } },
        ],
      },
      data: { k: Buffer.from('v').toString('base64') },
    };
    expect(
      decide({ desired: secret, hash: desiredHash(secret), live, storedHash: undefined, fieldManager: 'm' })
        .action,
    ).toBe('noop');
    const recordedAsIs = structuredClone(live);
    (recordedAsIs.metadata.managedFields?.[0] as { fieldsV1: unknown }).fieldsV1 = {
      'f:stringData': { 'f:k': {} },
    };
    expect(
      decide({
        desired: secret,
        hash: desiredHash(secret),
        live: recordedAsIs,
        storedHash: undefined,
        fieldManager: 'm',
      }).action,
    ).toBe('noop');
  });
});

describe('decide with a remembered state', () => {
  it('noop without a drift check while the live object is the one we last wrote or saw (same resourceVersion)', () => {
    const d = desired();
    const hash = desiredHash(d);
    const before = desired();
    (before.spec as { replicas: number }).replicas = 1;
    // The live object lacks our replicas, but it has not changed since we last looked at it...
    const live = liveOf(before);
    expect(decide({ desired: d, hash, live, storedHash: hash, storedResourceVersion: '5' }).action).toBe(
      'noop',
    );
    // ...while a newer one is checked.
    expect(decide({ desired: d, hash, live, storedHash: hash, storedResourceVersion: '4' })).toEqual({
      action: 'update',
      why: 'drifted: spec',
    });
  });
});
