import {
  type ClusterKey,
  encodeClusterKey,
  type ResourceState,
  type ResourceStateStore,
} from '@kcp-tmc/interfaces';
import { injectable } from 'tsyringe';

/**
 * What we last applied per upstream key, in memory. It needs no rebuild after a restart: the differ falls back
 * to the `workload.kcp-tmc.io/applied-hash` annotation of the live downstream object, so unchanged objects still
 * cost no write, and the first sync refills the store.
 */
@injectable()
export class InMemoryResourceStateStore implements ResourceStateStore {
  private readonly states = new Map<string, ResourceState>();

  get(key: ClusterKey): ResourceState | undefined {
    return this.states.get(encodeClusterKey(key));
  }

  set(state: ResourceState): void {
    this.states.set(encodeClusterKey(state.key), state);
  }

  delete(key: ClusterKey): void {
    this.states.delete(encodeClusterKey(key));
  }

  size(): number {
    return this.states.size;
  }

  /** Every state, e.g. to find what is left in a downstream namespace. */
  values(): IterableIterator<ResourceState> {
    return this.states.values();
  }
}
