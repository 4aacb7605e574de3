import { waitFor as waitForProbe } from '@kcp-tmc/testing/kit';

/** Waits until `condition` holds, checking every `intervalMs`, or fails after `timeoutMs` (the test kit's wait). */
export async function waitFor(
  condition: () => boolean | Promise<boolean>,
  message: string,
  { timeoutMs = 10_000, intervalMs = 10 }: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<void> {
  await waitForProbe(message, condition, { timeoutMs, intervalMs });
}
