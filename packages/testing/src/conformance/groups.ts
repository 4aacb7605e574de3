import { describe } from 'vitest';
import type { SuiteRef } from './suite.js';

/** Registers groups of cases under one describe block, each given the suite. */
export function describeGroups(title: string, s: SuiteRef, groups: Array<(s: SuiteRef) => void>): void {
  describe(title, () => {
    for (const group of groups) group(s);
  });
}
