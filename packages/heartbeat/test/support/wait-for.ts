import { waitFor as waitForProbe } from '@kcp-tmc/testing/kit';

/** Polls `condition` until it returns a value other than false/undefined, or fails after `timeoutMs` (the test kit's wait). */
export function waitFor<T>(
  condition: () => T | false | undefined | Promise<T | false | undefined>,
  what: string,
  timeoutMs = 10_000,
): Promise<T> {
  return waitForProbe(what, condition, { timeoutMs, intervalMs: 10 });
}
