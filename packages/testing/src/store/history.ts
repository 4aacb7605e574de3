import type { KubeObject } from '../api/types.js';

export type EventType = 'ADDED' | 'MODIFIED' | 'DELETED';

/** One committed change. `object` and `previous` are the store's own frozen objects, never copies. */
export interface ChangeEvent {
  type: EventType;
  rv: number;
  cluster: string;
  /** `<group>/<resource>` */
  gr: string;
  object: KubeObject;
  previous: KubeObject | undefined;
}

/**
 * A bounded ring of the most recent changes of one resource (across all clusters), which watches resume
 * from. Anything older than `evictedThrough` is gone: a watch from before it gets 410 Expired.
 */
export class HistoryRing {
  private readonly slots: (ChangeEvent | undefined)[];
  private start = 0;
  private length = 0;
  /** Highest resourceVersion no longer available. */
  evictedThrough = 0;

  constructor(readonly capacity: number) {
    this.slots = new Array(Math.max(1, capacity));
  }

  push(e: ChangeEvent): void {
    if (this.length === this.slots.length) {
      const oldest = this.slots[this.start]!;
      this.evictedThrough = oldest.rv;
      this.slots[this.start] = e;
      this.start = (this.start + 1) % this.slots.length;
      return;
    }
    this.slots[(this.start + this.length) % this.slots.length] = e;
    this.length++;
  }

  /** Drops everything up to `rv` (history compaction). */
  compact(rv: number): void {
    this.slots.fill(undefined);
    this.start = 0;
    this.length = 0;
    this.evictedThrough = Math.max(this.evictedThrough, rv);
  }

  /** Events newer than `rv`, oldest first; undefined when events after `rv` were already evicted. */
  since(rv: number): ChangeEvent[] | undefined {
    if (rv < this.evictedThrough) return undefined;
    const out: ChangeEvent[] = [];
    // Events are in rv order: scan from the newest back to the first one not newer than rv.
    let first = this.length;
    while (first > 0 && this.slots[(this.start + first - 1) % this.slots.length]!.rv > rv) first--;
    for (let i = first; i < this.length; i++) out.push(this.slots[(this.start + i) % this.slots.length]!);
    return out;
  }

  /** The oldest resourceVersion a watch may still start from. */
  oldestAvailable(): number {
    return this.evictedThrough;
  }

  get size(): number {
    return this.length;
  }
}
