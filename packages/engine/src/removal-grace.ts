import { type Clock, type ClusterKey, encodeClusterKey } from '@kcp-tmc/interfaces';

/**
 * How long the spec path waits before removing a downstream copy whose upstream object left this SyncTarget
 * (gone from the syncer's view, or marked for deletion here). kcp v0.11's syncer acts at once
 * (pkg/syncer/spec/spec_process.go: deletes downstream when the object is not found upstream or carries
 * `deletion.internal.workload.kcp.io/<key>` without `finalizers.workload.kcp.io/<key>`), so the default is 0;
 * kcp's own 5 s grace lives in its namespace scheduler (pkg/reconciler/workload/namespace/
 * namespace_reconcile_scheduling.go `removingGracePeriod`), upstream of any syncer. A grace above 0 rides out a
 * Placement that drops its SyncTarget for a moment: the object is back before the grace ends, and nothing
 * downstream was touched. Through the virtual workspace an upstream deletion looks the same as an unschedule
 * (both project a deletionTimestamp), so it waits the grace too.
 */
export class RemovalGrace {
  /** When each key was first seen leaving (clock ms). */
  private readonly leaving = new Map<string, number>();

  constructor(
    private readonly graceMs: number,
    private readonly clock: Clock,
  ) {}

  /** Milliseconds still to wait before removing the key's downstream copy; 0 means remove now. */
  remaining(key: ClusterKey): number {
    if (this.graceMs <= 0) return 0;
    const id = encodeClusterKey(key);
    const now = this.clock.now();
    const since = this.leaving.get(id);
    if (since === undefined) {
      this.leaving.set(id, now);
      return this.graceMs;
    }
    const left = since + this.graceMs - now;
    if (left > 0) return left;
    this.leaving.delete(id);
    return 0;
  }

  /** The key is scheduled here again (or was never leaving): a later departure starts a fresh grace. */
  stays(key: ClusterKey): void {
    if (this.leaving.size > 0) this.leaving.delete(encodeClusterKey(key));
  }
}
