import type { IncomingMessage } from 'node:http';

/** Wakes `until` callers on every watch event; each re-checks its predicate (and gives up at its deadline). */
export class WatchWaiters {
  private waiters: Array<() => void> = [];

  wake(): void {
    for (const wake of this.waiters.splice(0)) wake();
  }

  /** Resolves when `predicate` holds (checked on every event, and every 250 ms), or rejects after `timeoutMs`. */
  async until(predicate: () => boolean, what: string, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 250);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }
}

/** Calls `onLine` with every non-empty line of a streamed answer (a watch: one JSON event per line). */
export function eachLine(res: IncomingMessage, onLine: (line: string) => void): void {
  let buffer = '';
  res.setEncoding('utf8');
  res.on('data', (chunk: string) => {
    buffer += chunk;
    let nl = buffer.indexOf('\n');
    while (nl >= 0) {
      const line = buffer.slice(0, nl);
      buffer = buffer.slice(nl + 1);
      nl = buffer.indexOf('\n');
      if (line !== '') onLine(line);
    }
  });
}
