import { describe, expect, it } from 'vitest';
import { canonicalJson, isRecord, jsonEqual } from './json.js';

describe('canonicalJson', () => {
  it('spells equal values the same whatever their key order', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { y: 1, x: 0 }], c: undefined } })).toBe(
      '{"a":{"d":[2,{"x":0,"y":1}]},"b":1}',
    );
  });

  it('sorts integer-like keys as text, as Go encodes a map', () => {
    expect(canonicalJson({ 9: 'a', 10: 'b' })).toBe('{"10":"b","9":"a"}');
  });
});

describe('jsonEqual', () => {
  it('ignores key order and undefined members, not array order', () => {
    expect(jsonEqual({ a: 1, b: 2, c: undefined }, { b: 2, a: 1 })).toBe(true);
    expect(jsonEqual([1, 2], [2, 1])).toBe(false);
  });

  it('tells a removed field from one set to null', () => {
    expect(jsonEqual(undefined, null)).toBe(false);
    expect(jsonEqual({ a: null }, {})).toBe(false);
  });
});

describe('isRecord', () => {
  it('accepts JSON objects only', () => {
    expect([{}, [], null, 'x'].map(isRecord)).toEqual([true, false, false, false]);
  });
});
