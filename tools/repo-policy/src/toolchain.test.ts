import { describe, expect, it } from 'vitest';

describe('toolchain', () => {
  it('runs the tests on Node >= 22 (the pinned Node 24 from the `node` devDependency)', () => {
    const major = Number(process.versions.node.split('.')[0]);
    expect(major).toBeGreaterThanOrEqual(22);
  });

  it('loads the Reflect metadata API before any test (tsyringe needs it)', () => {
    expect(typeof Reflect.getMetadata).toBe('function');
  });
});
