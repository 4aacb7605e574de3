import { waitFor } from '@kcp-tmc/testing/kit';

/** Waits on a condition in real time, polling every `pollMs`, failing after `timeoutMs` (the test kit's wait). */
export async function eventually(
  condition: () => boolean | Promise<boolean>,
  timeoutMs = 20_000,
  what = 'condition',
  pollMs = 25,
): Promise<void> {
  await waitFor(what, condition, { timeoutMs, intervalMs: pollMs });
}
