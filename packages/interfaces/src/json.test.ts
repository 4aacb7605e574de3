import { describe, expect, it } from 'vitest';
import { canonicalJson, cloneJson, isRecord, jsonEqual } from './json.js';

describe('canonicalJson', () => {
  it('spells equal values the same whatever their key order', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { y: 1, x: 0 }], c: undefined } })).toBe(
      '{"a":{"d":[2,{"x":0,"y":1}]},"b":1}',
    );
  });

  it('sorts integer-like keys as text, as Go encodes a map', () => {
    expect(canonicalJson({ 9: 'a', 10: 'b' })).toBe('{"10":"b","9":"a"}');
  });

  it('sorts few and many keys alike, by code unit', () => {
    for (const count of [2, 5, 16, 17, 40]) {
      const keys = Array.from({ length: count }, (_, i) => `k${(i * 7919) % 97}${i % 3 === 0 ? 'Z' : 'a'}`);
      const record = Object.fromEntries(keys.map((k, i) => [k, i]));
      const sorted = Object.keys(record).sort();
      expect(Object.keys(JSON.parse(canonicalJson(record)))).toEqual(sorted);
    }
    expect(canonicalJson({ b: 1, B: 2, a: 3, é: 4, Z: 5 })).toBe('{"B":2,"Z":5,"a":3,"b":1,"é":4}');
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

describe('cloneJson', () => {
  const deployment = () => ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'default', labels: { app: 'web' }, finalizers: ['f'] },
    spec: { replicas: 2, template: { spec: { containers: [{ name: 'c', image: 'nginx', args: ['-v'] }] } } },
    status: { replicas: 2, conditions: [{ type: 'Available', status: 'True' }] },
  });

  it('copies deeply: equal, and sharing nothing with the source', () => {
    const source = deployment();
    const copy = cloneJson(source);
    expect(copy).toEqual(source);
    copy.spec.replicas = 99;
    copy.metadata.labels = { app: 'other' };
    (copy.spec.template.spec.containers[0] as { args: string[] }).args.push('-x');
    expect(source).toEqual(deployment());
  });

  it('copies scalars, nulls, undefined members and arrays of arrays', () => {
    expect(cloneJson(null)).toBeNull();
    expect(cloneJson('x')).toBe('x');
    expect(cloneJson([[1, null], [{ a: true }]])).toEqual([[1, null], [{ a: true }]]);
    expect(Object.keys(cloneJson({ a: undefined, b: 1 }))).toEqual(['a', 'b']);
  });

  it('copies a __proto__ key as data, never as the prototype', () => {
    const source = JSON.parse('{"spec":{"__proto__":{"polluted":true}}}') as {
      spec: Record<string, unknown>;
    };
    const copy = cloneJson(source);
    expect(Object.getPrototypeOf(copy.spec)).toBe(Object.prototype);
    expect((copy.spec as { polluted?: boolean }).polluted).toBeUndefined();
    expect(Object.keys(copy.spec)).toEqual(['__proto__']);
    expect(JSON.stringify(copy)).toBe('{"spec":{"__proto__":{"polluted":true}}}');
  });
});
