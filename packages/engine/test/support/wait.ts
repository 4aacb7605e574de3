import { waitFor } from '@kcp-tmc/testing/kit';
import { vi } from 'vitest';

/**
 * Waits on a condition under fake timers: lets fake time pass in `stepMs` steps (running timers and the
 * promise continuations between them) until `condition()` holds, and fails once `timeoutMs` of fake time
 * passed without it.
 */
export async function until(condition: () => boolean, timeoutMs = 10_000, stepMs = 5): Promise<void> {
  for (let waited = 0; ; waited += stepMs) {
    if (condition()) return;
    if (waited >= timeoutMs) throw new Error(`condition not met within ${timeoutMs} ms of fake time`);
    await vi.advanceTimersByTimeAsync(stepMs);
  }
}

/** Waits on a condition in real time, polling every `pollMs`, failing after `timeoutMs` (the test kit's wait). */
export async function eventually(condition: () => boolean, timeoutMs = 20_000, pollMs = 20): Promise<void> {
  await waitFor('condition', condition, { timeoutMs, intervalMs: pollMs });
}
