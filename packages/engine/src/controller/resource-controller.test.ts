import { clusterKey, type InformerEvent, type KubeObject, statusAnnotation } from '@kcp-tmc/interfaces';
import { describe, expect, it } from 'vitest';
import { changedBeyondStatus, changedForSpec } from './resource-controller.js';

const GVR = { group: 'apps', version: 'v1', resource: 'deployments' };

function deployment(): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: 'web',
      namespace: 'default',
      resourceVersion: '10',
      generation: 1,
      labels: { app: 'web' },
      annotations: { team: 'a' },
      finalizers: [],
      managedFields: [{ manager: 'kubectl', operation: 'Apply' }],
    },
    spec: { replicas: 1 },
    status: { readyReplicas: 0 },
  };
}

function update(change: (object: KubeObject) => void, resync = false): InformerEvent {
  const oldObject = deployment();
  const object = structuredClone(oldObject);
  change(object);
  return {
    type: 'update',
    key: clusterKey('root:ws', GVR, 'default', 'web'),
    object,
    oldObject,
    ...(resync ? { resync } : {}),
  };
}

describe('changedForSpec', () => {
  it('skips updates our own finalizer and status writes cause', () => {
    const echoes: Array<(o: KubeObject) => void> = [
      (o) => {
        o.metadata.resourceVersion = '11';
        o.metadata.finalizers = ['workload.kcp.io/syncer-key'];
      },
      (o) => {
        o.status = { readyReplicas: 1 };
      },
      (o) => {
        // A Deployment's generation moves on annotation writes, our status annotation included.
        o.metadata.generation = 2;
        o.metadata.annotations = { team: 'a', [statusAnnotation('key')]: '{"readyReplicas":1}' };
      },
      (o) => {
        o.metadata.managedFields = [];
      },
    ];
    for (const echo of echoes) expect(changedForSpec(update(echo))).toBe(false);
  });

  it('keeps adds, deletes, resyncs and every change to what goes down', () => {
    const base = update(() => {});
    expect(changedForSpec({ ...base, type: 'add' })).toBe(true);
    expect(changedForSpec({ ...base, type: 'delete' })).toBe(true);
    expect(changedForSpec(update(() => {}, true))).toBe(true);
    const changes: Array<(o: KubeObject) => void> = [
      (o) => {
        o.spec = { replicas: 2 };
      },
      (o) => {
        o.metadata.labels = { app: 'web', tier: 'front' };
      },
      (o) => {
        o.metadata.annotations = { team: 'b' };
      },
      (o) => {
        o.metadata.deletionTimestamp = '2026-01-01T00:00:00Z';
      },
    ];
    for (const change of changes) expect(changedForSpec(update(change))).toBe(true);
  });

  it('compares members, not their order, and takes no annotations as empty ones', () => {
    const reordered = update((o) => {
      const { spec, metadata, ...rest } = o;
      const { labels, ...meta } = metadata;
      Object.assign(o, { metadata: { labels, ...meta }, spec });
      for (const key of Object.keys(rest)) delete (o as Record<string, unknown>)[key];
      Object.assign(o, rest);
    });
    expect(Object.keys(reordered.object)).not.toEqual(Object.keys(reordered.oldObject ?? {}));
    expect(changedForSpec(reordered)).toBe(false);
    const unannotated = update((o) => {
      o.metadata.annotations = {};
    });
    delete (unannotated.oldObject as KubeObject).metadata.annotations;
    expect(changedForSpec(unannotated)).toBe(false);
    expect(changedForSpec(update((o) => Object.assign(o.spec as object, { paused: true })))).toBe(true);
  });
});

describe('changedBeyondStatus', () => {
  it('sees a change outside status and the metadata every write bumps', () => {
    const before = deployment();
    const bumped = structuredClone(before);
    bumped.metadata.resourceVersion = '11';
    bumped.metadata.generation = 2;
    bumped.status = { readyReplicas: 1 };
    expect(changedBeyondStatus(before, bumped)).toBe(false);
    const edited = structuredClone(bumped);
    edited.metadata.finalizers = ['someone/else'];
    expect(changedBeyondStatus(before, edited)).toBe(true);
    const scaled = structuredClone(bumped);
    scaled.spec = { replicas: 3 };
    expect(changedBeyondStatus(before, scaled)).toBe(true);
    expect(changedBeyondStatus(before, { ...bumped, extra: 'x' })).toBe(true);
  });
});
