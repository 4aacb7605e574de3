import { describe, expect, it } from 'vitest';
import { applyV8Defaults } from './v8-defaults.js';

describe('applyV8Defaults', () => {
  it('sets --optimize-for-size and --no-turbofan when the node command line decides neither', () => {
    const set: string[] = [];
    expect(applyV8Defaults(['--max-old-space-size=256'], (f) => set.push(f))).toEqual([
      '--optimize-for-size',
      '--no-turbofan',
    ]);
    expect(set).toEqual(['--optimize-for-size', '--no-turbofan']);
  });

  it.each([
    ['--optimize-for-size'],
    ['--no-optimize-for-size'],
    ['--optimize_for_size'],
    ['--no-optimize_for_size'],
  ])('leaves --optimize-for-size to the command line when given %s', (arg) => {
    const set: string[] = [];
    expect(applyV8Defaults([arg], (f) => set.push(f))).toEqual(['--no-turbofan']);
    expect(set).toEqual(['--no-turbofan']);
  });

  it.each([['--turbofan'], ['--no-turbofan']])(
    'leaves the optimizing compiler to the command line when given %s',
    (arg) => {
      const set: string[] = [];
      expect(applyV8Defaults([arg], (f) => set.push(f))).toEqual(['--optimize-for-size']);
    },
  );
});
