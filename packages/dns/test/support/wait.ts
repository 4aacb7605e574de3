import { waitFor as waitForProbe } from '@kcp-tmc/testing/kit';

/** Polls `check` until it returns a value other than undefined, or fails after `timeoutMs` (the test kit's wait). */
export function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 10_000,
): Promise<T> {
  return waitForProbe(what, check, { timeoutMs });
}
