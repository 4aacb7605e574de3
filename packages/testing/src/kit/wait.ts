import { setTimeout as delay } from 'node:timers/promises';

export interface WaitOptions {
  /** How long to keep polling before failing (default 10 s). */
  timeoutMs?: number;
  /** Pause between polls (default 20 ms). */
  intervalMs?: number;
}

/**
 * Polls `probe` until it returns a value other than `undefined` or `false` and resolves with that value; a wait on
 * a condition with a deadline, never a fixed sleep. A probe that throws counts as not yet: after `timeoutMs` the
 * wait fails naming `what`, with the last error as its cause.
 */
export async function waitFor<T>(
  what: string,
  probe: () => T | false | undefined | Promise<T | false | undefined>,
  { timeoutMs = 10_000, intervalMs = 20 }: WaitOptions = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) {
      const last = lastError === undefined ? '' : `: ${String(lastError)}`;
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last}`, { cause: lastError });
    }
    await delay(intervalMs);
  }
}
