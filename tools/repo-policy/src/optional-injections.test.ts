import { describe, expect, it } from 'vitest';
import { unexplainedIn, unexplainedInjections } from './optional-injections.js';
import { repoRoot } from './workspace.js';

describe('optional injections (issue 19)', () => {
  it('finds an optional injection without a comment above it or on its line', () => {
    const text = [
      'class A {',
      '  constructor(',
      '    // Optional: tests bind a manual clock.',
      '    @inject(CLOCK, { isOptional: true }) clock: Clock = SYSTEM_CLOCK,',
      '    @inject(LOGGER, { isOptional: true }) logger: Logger = NOOP_LOGGER, // silent unless bound',
      '    @inject(METRICS, { isOptional: true }) metrics?: Metrics,',
      '    @injectAll(FILTER, { isOptional: true }) filters: Filter[] = [],',
      '    @inject(CLIENT) client: Client,',
      '  ) {}',
      '}',
    ].join('\n');
    expect(unexplainedIn('a.ts', text).map((u) => u.line)).toEqual([6, 7]);
  });

  it('every optional injection of the library sources says why it may be missing', () => {
    expect(unexplainedInjections(repoRoot).map((u) => `${u.path}:${u.line} ${u.text}`)).toEqual([]);
  });
});
