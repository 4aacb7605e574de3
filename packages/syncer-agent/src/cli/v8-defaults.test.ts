import { describe, expect, it } from 'vitest';
import { applyV8Defaults } from './v8-defaults.js';

describe('applyV8Defaults', () => {
  it('sets --optimize-for-size when the node command line does not decide it', () => {
    const set: string[] = [];
    expect(applyV8Defaults(['--max-old-space-size=256'], (f) => set.push(f))).toEqual([
      '--optimize-for-size',
    ]);
    expect(set).toEqual(['--optimize-for-size']);
  });

  it.each([
    ['--optimize-for-size'],
    ['--no-optimize-for-size'],
    ['--optimize_for_size'],
    ['--no-optimize_for_size'],
  ])('leaves it to the command line when given %s', (arg) => {
    const set: string[] = [];
    expect(applyV8Defaults([arg], (f) => set.push(f))).toEqual([]);
    expect(set).toEqual([]);
  });
});
