import { setTimeout as delay } from 'node:timers/promises';

/** Polls `condition` until it returns a value other than false/undefined, or fails after `timeoutMs`. */
export async function waitFor<T>(
  condition: () => T | false | undefined | Promise<T | false | undefined>,
  what: string,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await condition();
      if (value !== false && value !== undefined) return value;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`, { cause: lastError });
    }
    await delay(10);
  }
}
