import { describe, expect, it } from 'vitest';
import { mergePatchDiff } from './json.js';

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
