import { type BackoffOptions, backoffDelay } from '@kcp-tmc/kube';
import type { UpsyncKey } from './upsync-reconciler.js';

// Per-key exponential backoff without jitter (client-go's item limiter), 5 ms doubling, capped at 30 s.
const RETRY_BACKOFF: BackoffOptions = { initialMs: 5, maxMs: 30_000, jitter: 0 };

const keyString = (k: UpsyncKey) =>
  [k.gvr.group, k.gvr.version, k.gvr.resource, k.cluster, k.namespace, k.name].join('|');

/**
 * A small work queue with client-go's guarantees for the upsyncer: a key waits once however often it is added,
 * is never handed to two workers, and a re-add while it is processed runs it again after `done`. A key's
 * `dirtyStatus` is kept until it is processed (kcp's dirtyStatusKeys). Failed keys come back with per-key
 * exponential backoff (5 ms doubling to 30 s), reset by `forget`.
 */
export class UpsyncQueue {
  private readonly waiting = new Map<string, UpsyncKey>();
  private readonly dirty = new Set<string>();
  private readonly processing = new Set<string>();
  private readonly again = new Map<string, UpsyncKey>();
  private readonly failures = new Map<string, number>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private waiters: Array<() => void> = [];
  private closed = false;

  add(key: UpsyncKey, dirtyStatus = false): void {
    if (this.closed) return;
    const id = keyString(key);
    if (dirtyStatus) this.dirty.add(id);
    if (this.processing.has(id)) {
      this.again.set(id, key);
      return;
    }
    this.waiting.set(id, key);
    this.waiters.shift()?.();
  }

  /** The next key and whether its status is dirty; undefined once shut down. */
  async get(): Promise<{ key: UpsyncKey; dirtyStatus: boolean } | undefined> {
    for (;;) {
      if (this.closed) return undefined;
      const first = this.waiting.entries().next();
      if (!first.done) {
        const [id, key] = first.value;
        this.waiting.delete(id);
        this.processing.add(id);
        const dirtyStatus = this.dirty.delete(id);
        return { key, dirtyStatus };
      }
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  done(key: UpsyncKey): void {
    const id = keyString(key);
    this.processing.delete(id);
    const again = this.again.get(id);
    if (again !== undefined) {
      this.again.delete(id);
      this.add(again);
    }
  }

  forget(key: UpsyncKey): void {
    this.failures.delete(keyString(key));
  }

  /** Adds the key again after its backoff. */
  retry(key: UpsyncKey, dirtyStatus: boolean): void {
    const id = keyString(key);
    const failures = (this.failures.get(id) ?? 0) + 1;
    this.failures.set(id, failures);
    if (dirtyStatus) this.dirty.add(id);
    const timer = setTimeout(
      () => {
        this.timers.delete(timer);
        this.add(key);
      },
      backoffDelay(RETRY_BACKOFF, failures - 1, Math.random),
    );
    this.timers.add(timer);
  }

  shutDown(): void {
    this.closed = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    for (const wake of this.waiters.splice(0)) wake();
  }
}
