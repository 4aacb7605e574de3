import { describe, expect, it } from 'vitest';
import { withinDeadline } from './deadline.js';

describe('withinDeadline', () => {
  it('resolves with the work settled in time', async () => {
    await expect(withinDeadline('quick work', 1_000, Promise.resolve(7))).resolves.toBe(7);
  });

  it('rejects naming the work when the deadline passes first', async () => {
    const never = new Promise<never>(() => {});
    await expect(withinDeadline('stuck work', 10, never)).rejects.toThrow(
      'stuck work did not finish within 10 ms',
    );
  });

  it("passes the work's own failure through", async () => {
    await expect(withinDeadline('failing work', 1_000, Promise.reject(new Error('boom')))).rejects.toThrow(
      'boom',
    );
  });
});
