/**
 * `work`, or a rejection naming `what` once `timeoutMs` passed without it settling: a deadline on an operation,
 * instead of measuring its duration and asserting on the figure afterwards.
 */
export async function withinDeadline<T>(what: string, timeoutMs: number, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    return await Promise.race([work, expired]);
  } finally {
    clearTimeout(timer);
  }
}
