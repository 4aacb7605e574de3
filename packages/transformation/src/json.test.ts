import { describe, expect, it } from 'vitest';
import { upstreamDeployment } from '../test/support/fixtures.js';
import { cloneJson } from './json.js';

describe('cloneJson', () => {
  it('copies deeply: equal, and sharing nothing with the source', () => {
    const source = upstreamDeployment();
    const copy = cloneJson(source);
    expect(copy).toEqual(source);
    (copy.spec as { replicas: number }).replicas = 99;
    copy.metadata.labels = {};
    expect(source).toEqual(upstreamDeployment());
  });

  it('copies scalars, nulls and arrays of arrays', () => {
    expect(cloneJson(null)).toBeNull();
    expect(cloneJson('x')).toBe('x');
    expect(cloneJson([[1, null], [{ a: true }]])).toEqual([[1, null], [{ a: true }]]);
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
