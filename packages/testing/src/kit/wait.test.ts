import { describe, expect, it } from 'vitest';
import { waitFor } from './wait.js';

describe('waitFor', () => {
  it('resolves with the first value that is neither undefined nor false', async () => {
    let polls = 0;
    const value = await waitFor('the third poll', () => (++polls >= 3 ? polls : undefined), {
      intervalMs: 1,
    });
    expect(value).toBe(3);
  });

  it('treats a throwing probe as not yet and a true condition as done', async () => {
    let polls = 0;
    const done = await waitFor(
      'a probe that fails once',
      async () => {
        polls++;
        if (polls === 1) throw new Error('not ready');
        return polls > 2;
      },
      { intervalMs: 1 },
    );
    expect([done, polls]).toEqual([true, 3]);
  });

  it('fails after the deadline naming what it waited for, with the last error as cause', async () => {
    const cause = new Error('still down');
    const failed = waitFor(
      'the server',
      () => {
        throw cause;
      },
      { timeoutMs: 30, intervalMs: 5 },
    );
    await expect(failed).rejects.toThrow('timed out after 30 ms waiting for the server: Error: still down');
    await expect(failed).rejects.toHaveProperty('cause', cause);
  });
});
