import type { ResourceSyncCounts, SyncStatus } from '@kcp-tmc/interfaces';
import { entriesByKey } from './sorted.js';

/**
 * The engine's counters, as `getStatus()` reports them. Per GVR: `synced` and `failed` count attempts since
 * start; `pending` is the number of keys queued, in flight or waiting to retry right now. A key enters when a
 * handler enqueues it and leaves when it succeeds or is given up on.
 */
export class SyncStatusTracker {
  connected = false;
  error: string | undefined;
  droppedResources: Record<string, string> = {};
  unauthorizedResources: readonly string[] = [];
  private lastSyncTime: string | undefined;
  private readonly counts = new Map<string, ResourceSyncCounts>();
  /** Queue key → when it was first queued (ms) and how often it was enqueued, while pending. */
  private readonly pending = new Map<string, { gvr: string; since: number; adds: number }>();

  track(gvr: string): void {
    if (!this.counts.has(gvr))
      this.counts.set(gvr, { synced: 0, pending: 0, failed: 0, pendingDown: 0, settledDown: 0 });
  }

  /** Forgets a GVR that stopped syncing, with its pending keys. */
  untrack(gvr: string): void {
    this.counts.delete(gvr);
    for (const [key, entry] of this.pending) if (entry.gvr === gvr) this.pending.delete(key);
  }

  /** A key was enqueued; returns when it first became pending. */
  enqueued(queueKey: string, gvr: string, now: number): number {
    const entry = this.pending.get(queueKey);
    if (entry !== undefined) {
      entry.adds++;
      return entry.since;
    }
    this.pending.set(queueKey, { gvr, since: now, adds: 1 });
    const counts = this.counts.get(gvr);
    if (counts !== undefined) {
      counts.pending++;
      if (isDown(queueKey)) counts.pendingDown = (counts.pendingDown ?? 0) + 1;
    }
    return now;
  }

  queuedAt(queueKey: string, now: number): number {
    return this.pending.get(queueKey)?.since ?? now;
  }

  /** How often the key was enqueued so far: a worker notes it before an attempt. */
  adds(queueKey: string): number {
    return this.pending.get(queueKey)?.adds ?? 0;
  }

  /**
   * The key needs no more work (done, or given up on) as of the attempt that saw `adds` enqueues. A key
   * enqueued again meanwhile stays pending: the queue hands it out once more.
   */
  settled(queueKey: string, adds?: number): void {
    const entry = this.pending.get(queueKey);
    if (entry === undefined || (adds !== undefined && entry.adds !== adds)) return;
    this.pending.delete(queueKey);
    const counts = this.counts.get(entry.gvr);
    if (counts !== undefined) {
      counts.pending--;
      if (isDown(queueKey)) {
        counts.pendingDown = (counts.pendingDown ?? 1) - 1;
        counts.settledDown = (counts.settledDown ?? 0) + 1;
      }
    }
  }

  succeeded(gvr: string, now: number): void {
    const counts = this.counts.get(gvr);
    if (counts !== undefined) counts.synced++;
    this.lastSyncTime = new Date(now).toISOString();
    this.error = undefined;
  }

  failed(gvr: string, message: string): void {
    const counts = this.counts.get(gvr);
    if (counts !== undefined) counts.failed++;
    this.error = message;
  }

  snapshot(): SyncStatus {
    const resources: Record<string, ResourceSyncCounts> = {};
    for (const [gvr, counts] of entriesByKey(this.counts)) {
      resources[gvr] = { ...counts };
    }
    const status: SyncStatus = { connected: this.connected, resources };
    if (this.lastSyncTime !== undefined) status.lastSyncTime = this.lastSyncTime;
    if (this.error !== undefined) status.error = this.error;
    if (Object.keys(this.droppedResources).length > 0) status.droppedResources = { ...this.droppedResources };
    if (this.unauthorizedResources.length > 0) status.unauthorizedResources = [...this.unauthorizedResources];
    return status;
  }
}

function isDown(queueKey: string): boolean {
  return queueKey.startsWith('down|');
}
