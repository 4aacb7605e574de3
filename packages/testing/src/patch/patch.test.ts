import { describe, expect, it } from 'vitest';
import { fieldSetOf, pathString } from './fieldset.js';
import { applyJsonPatch, JsonPatchError } from './json-patch.js';
import { applyMergePatch } from './merge-patch.js';
import { applyStrategicMergePatch } from './strategic-merge.js';

describe('patches', () => {
  it('merge patch (RFC 7386)', () => {
    expect(applyMergePatch({ a: 1, b: { c: 2, d: 3 } }, { b: { c: null, e: 4 }, f: [1] })).toEqual({
      a: 1,
      b: { d: 3, e: 4 },
      f: [1],
    });
  });

  it('JSON patch (RFC 6902) with move, copy, array indices, and failures', () => {
    const doc = { a: [1, 2, 3], b: { c: 'x' } };
    expect(
      applyJsonPatch(doc, [
        { op: 'add', path: '/a/1', value: 9 },
        { op: 'remove', path: '/a/0' },
        { op: 'move', from: '/b/c', path: '/d' },
        { op: 'copy', from: '/d', path: '/e' },
        { op: 'add', path: '/a/-', value: 7 },
      ]),
    ).toEqual({ a: [9, 2, 3, 7], b: {}, d: 'x', e: 'x' });
    expect(doc.a).toEqual([1, 2, 3]);
    expect(() => applyJsonPatch(doc, [{ op: 'remove', path: '/nope' }])).toThrow(JsonPatchError);
    expect(() => applyJsonPatch(doc, [{ op: 'replace', path: '/a/7', value: 1 }])).toThrow(JsonPatchError);
  });

  it('strategic merge: keyed lists, $patch directives, $deleteFromPrimitiveList, $setElementOrder, $retainKeys', () => {
    const pod = {
      spec: {
        containers: [
          { name: 'a', image: 'a:1', ports: [{ containerPort: 80 }] },
          { name: 'b', image: 'b:1' },
        ],
        volumes: [{ name: 'v1' }, { name: 'v2' }],
      },
      metadata: { finalizers: ['x', 'y'] },
    };
    const out = applyStrategicMergePatch(
      pod,
      {
        spec: {
          containers: [{ name: 'a', ports: [{ containerPort: 443 }] }],
          volumes: [{ name: 'v1', $patch: 'delete' }],
        },
        metadata: { '$deleteFromPrimitiveList/finalizers': ['x'] },
      } as Record<string, unknown>,
      true,
    ) as typeof pod;
    expect(out.spec.containers.map((c) => c.name)).toEqual(['a', 'b']);
    expect(out.spec.containers[0]!.ports).toEqual([{ containerPort: 443 }, { containerPort: 80 }]);
    expect(out.spec.volumes).toEqual([{ name: 'v2' }]);
    expect(out.metadata.finalizers).toEqual(['y']);
    const ordered = applyStrategicMergePatch(
      pod,
      {
        spec: {
          '$setElementOrder/containers': [{ name: 'b' }, { name: 'a' }],
          containers: [{ name: 'b', image: 'b:2' }],
        },
      },
      true,
    ) as typeof pod;
    expect(ordered.spec.containers.map((c) => `${c.name}:${c.image}`)).toEqual(['b:b:2', 'a:a:1']);
    const replaced = applyStrategicMergePatch(
      pod,
      { spec: { $patch: 'replace', hostname: 'h' } },
      true,
    ) as Record<string, unknown>;
    expect(replaced.spec).toEqual({ hostname: 'h' });
    const retained = applyStrategicMergePatch(
      { spec: { strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1 } } } },
      { spec: { strategy: { $retainKeys: ['type'], type: 'Recreate' } } },
      true,
    );
    expect(retained).toEqual({ spec: { strategy: { type: 'Recreate' } } });
  });

  it('field sets: keyed list items, sets, and structured-merge-diff path strings', () => {
    const set = fieldSetOf(
      {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'p', labels: { app: 'x' }, finalizers: ['f'] },
        spec: { containers: [{ name: 'c', image: 'i', ports: [{ containerPort: 80 }] }] },
      },
      true,
    );
    expect(set.toFieldsV1()).toEqual({
      'f:metadata': { 'f:finalizers': { 'v:"f"': {} }, 'f:labels': { 'f:app': {} } },
      'f:spec': {
        'f:containers': {
          'k:{"name":"c"}': {
            '.': {},
            'f:image': {},
            'f:name': {},
            'f:ports': { 'k:{"containerPort":80,"protocol":"TCP"}': { '.': {}, 'f:containerPort': {} } },
          },
        },
      },
    });
    expect(pathString(['f:spec', 'f:containers', 'k:{"name":"c"}', 'f:image'])).toBe(
      '.spec.containers[name="c"].image',
    );
  });
});
