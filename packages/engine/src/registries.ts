import { type FilterRegistry, SYNC_FILTER, type SyncFilter } from '@kcp-tmc/interfaces';
import { injectAll, injectable } from 'tsyringe';

/**
 * Filters in ascending priority, open to registration at run time. Equal priorities keep registration order;
 * registering a name again replaces that filter. `filters()` returns a frozen snapshot, so a worker iterating
 * it never sees a registration made meanwhile.
 */
@injectable()
export class PriorityFilterRegistry implements FilterRegistry {
  private readonly entries: Array<{ filter: SyncFilter; seq: number }> = [];
  private seq = 0;
  private snapshot: readonly SyncFilter[] = Object.freeze([]);

  constructor(
    // Optional: with no SYNC_FILTER bound the registry starts empty (filters come from registerFilter).
    @injectAll(SYNC_FILTER, { isOptional: true }) initial: readonly SyncFilter[] = [],
  ) {
    for (const filter of initial) this.register(filter);
  }

  register(filter: SyncFilter): void {
    if (!Number.isFinite(filter.priority)) {
      throw new TypeError(`filter "${filter.name}" needs a finite priority, got ${filter.priority}`);
    }
    const existing = this.entries.findIndex((entry) => entry.filter.name === filter.name);
    if (existing >= 0) this.entries.splice(existing, 1);
    this.entries.push({ filter, seq: this.seq++ });
    this.entries.sort((a, b) => a.filter.priority - b.filter.priority || a.seq - b.seq);
    this.snapshot = Object.freeze(this.entries.map((entry) => entry.filter));
  }

  unregister(name: string): boolean {
    const index = this.entries.findIndex((entry) => entry.filter.name === name);
    if (index < 0) return false;
    this.entries.splice(index, 1);
    this.snapshot = Object.freeze(this.entries.map((entry) => entry.filter));
    return true;
  }

  filters(): readonly SyncFilter[] {
    return this.snapshot;
  }
}
