import { waitFor } from '@kcp-tmc/testing/kit';

/** Waits on an async condition in real time, polling, failing with `what` after `timeoutMs` (the test kit's wait). */
export function eventually<T>(
  what: string,
  probe: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 20_000,
  pollMs = 50,
): Promise<T> {
  return waitFor(what, probe, { timeoutMs, intervalMs: pollMs });
}
