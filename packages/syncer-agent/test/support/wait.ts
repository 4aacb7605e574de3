import { waitFor as waitForProbe } from '@kcp-tmc/testing/kit';

/** Polls `condition` until it holds or `timeoutMs` passes (the test kit's wait). */
export async function waitFor(
  condition: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 20_000,
  intervalMs = 25,
): Promise<void> {
  await waitForProbe(what, condition, { timeoutMs, intervalMs });
}
