import { waitFor as waitForProbe } from '@kcp-tmc/testing/kit';

/** Polls `condition` until it holds or `timeoutMs` passes (the test kit's wait). */
export async function waitFor(condition: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
  await waitForProbe(what, condition, { timeoutMs, intervalMs: 5 });
}
