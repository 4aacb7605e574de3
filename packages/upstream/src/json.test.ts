import { describe, expect, it } from 'vitest';
import { canonicalJson, jsonEqual, mergePatchDiff } from './json.js';

describe('canonicalJson', () => {
  it('spells equal values the same whatever their key order', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { y: 1, x: 0 }], c: undefined } })).toBe(
      '{"a":{"d":[2,{"x":0,"y":1}]},"b":1}',
    );
    expect(jsonEqual({ a: 1, b: 2 }, { b: 2, a: 1 })).toBe(true);
    expect(jsonEqual([1, 2], [2, 1])).toBe(false);
  });
});

describe('mergePatchDiff', () => {
  it('sets changed members, nulls removed ones, replaces arrays whole', () => {
    const from = { replicas: 1, ready: 1, conditions: [{ type: 'A' }], nested: { keep: 1, drop: 2 } };
    const to = { replicas: 2, conditions: [{ type: 'A' }, { type: 'B' }], nested: { keep: 1 } };
    expect(mergePatchDiff(from, to)).toEqual({
      replicas: 2,
      ready: null,
      conditions: [{ type: 'A' }, { type: 'B' }],
      nested: { drop: null },
    });
  });

  it('is undefined when nothing differs', () => {
    expect(mergePatchDiff({ a: { b: [1] } }, { a: { b: [1] } })).toBeUndefined();
  });
});
