import { describe, expect, it } from 'vitest';
import { desiredDeployment, existingDeployment } from '../../test/support/fixtures.js';
import { mergeValues, threeWayMerge } from './merge.js';

describe('mergeValues', () => {
  it('takes our value for fields we changed since the base', () => {
    const base = { a: 1, b: 1 };
    expect(mergeValues(base, { a: 2, b: 1 }, { a: 1, b: 5 }, true)).toEqual({ a: 2, b: 5 });
  });

  it('keeps what others changed or added where we changed nothing', () => {
    const base = { spec: { replicas: 3, paused: false } };
    const desired = { spec: { replicas: 3, paused: false } };
    const existing = { spec: { replicas: 7, paused: false, extra: 'x' } };
    expect(mergeValues(base, desired, existing, true)).toEqual(existing);
  });

  it('removes fields we dropped since the base, but keeps fields others removed that we did not change', () => {
    const base = { a: 1, b: 1, c: 1 };
    const desired = { b: 1, c: 1 };
    const existing = { a: 1, c: 1 };
    expect(mergeValues(base, desired, existing, true)).toEqual({ c: 1 });
  });

  it('treats arrays as atomic', () => {
    const base = { args: ['a'] };
    expect(mergeValues(base, { args: ['a', 'b'] }, { args: ['z'] }, true)).toEqual({ args: ['a', 'b'] });
    expect(mergeValues(base, { args: ['a'] }, { args: ['z'] }, true)).toEqual({ args: ['z'] });
  });

  it('without a base, sets what desired sets and never deletes', () => {
    const desired = { a: 2, nested: { x: 1 } };
    const existing = { a: 1, b: 1, nested: { y: 2 } };
    expect(mergeValues(undefined, desired, existing, false)).toEqual({ a: 2, b: 1, nested: { x: 1, y: 2 } });
  });
});

describe('threeWayMerge', () => {
  it("keeps another manager's replicas and strategy, applies our image, and writes on the existing version", () => {
    const lastApplied = desiredDeployment(3, 'nginx:1.27');
    const desired = desiredDeployment(3, 'nginx:1.28');
    const existing = existingDeployment((spec) => {
      spec.replicas = 9;
    });
    const merged = threeWayMerge(desired, existing, lastApplied);
    const spec = merged.spec as {
      replicas: number;
      strategy: unknown;
      template: { spec: { containers: unknown } };
    };
    expect(spec.replicas).toBe(9);
    expect(spec.strategy).toEqual({ type: 'RollingUpdate' });
    expect(spec.template.spec.containers).toEqual([
      { name: 'web', image: 'nginx:1.28', ports: [{ containerPort: 80 }] },
    ]);
    expect(merged.metadata.resourceVersion).toBe('42');
    expect(merged.metadata.uid).toBe('down-uid');
    expect(merged.metadata.managedFields).toBeUndefined();
    expect(merged.status).toEqual(existing.status);
  });

  it('does not mutate its inputs', () => {
    const desired = desiredDeployment(4);
    const existing = existingDeployment();
    const before = JSON.stringify([desired, existing]);
    threeWayMerge(desired, existing, desiredDeployment(3));
    expect(JSON.stringify([desired, existing])).toBe(before);
  });
});
