/**
 * Whether an informer's first list is in its cache, and who waits for it: `open` once the list is in, `wait`
 * until then. An aborted wait rejects with the signal's reason and leaves no listener behind.
 */
export class SyncGate {
  private opened = false;
  private readonly waiters = new Set<() => void>();

  get isOpen(): boolean {
    return this.opened;
  }

  open(): void {
    if (this.opened) return;
    this.opened = true;
    for (const waiter of this.waiters) waiter();
    this.waiters.clear();
  }

  wait(signal?: AbortSignal): Promise<void> {
    if (this.opened) return Promise.resolve();
    return new Promise((resolve, reject) => {
      if (signal?.aborted === true) {
        reject(signal.reason);
        return;
      }
      const done = (): void => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      const onAbort = (): void => {
        this.waiters.delete(done);
        reject(signal?.reason);
      };
      this.waiters.add(done);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }
}
