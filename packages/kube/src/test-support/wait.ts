/**
 * Waits until `condition` holds, checking every `intervalMs`, or fails after `timeoutMs` with the message.
 * A condition wait, not a sleep: it returns as soon as the state is reached.
 */
export async function waitFor(
  condition: () => boolean | Promise<boolean>,
  message: string,
  { timeoutMs = 10_000, intervalMs = 10 }: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await condition()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for: ${message}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
