import {
  type ClusterKey,
  encodeClusterKey,
  type KubeObject,
  type ResourceState,
  type ResourceStateStore,
} from '@kcp-tmc/interfaces';
import { injectable } from 'tsyringe';

/** A state as kept: the last applied object as its JSON text. */
type StoredState = Omit<ResourceState, 'lastApplied'> & { readonly lastAppliedJson?: string };

/**
 * What we last applied per upstream key, in memory. It needs no rebuild after a restart: with nothing
 * remembered the differ compares the live downstream object with the desired one, so unchanged objects still
 * cost no write, and the first sync refills the store.
 *
 * The last applied object is kept as JSON text: one string is several times smaller than the object tree (at 10k
 * ConfigMaps, tens of MiB of heap), and it is read only when an object is written again. Every `get` hands out
 * a fresh copy, so callers may change it.
 */
@injectable()
export class InMemoryResourceStateStore implements ResourceStateStore {
  private readonly states = new Map<string, StoredState>();

  get(key: ClusterKey): ResourceState | undefined {
    const stored = this.states.get(encodeClusterKey(key));
    return stored === undefined ? undefined : restore(stored);
  }

  set(state: ResourceState): void {
    const { lastApplied, ...rest } = state;
    this.states.set(
      encodeClusterKey(state.key),
      lastApplied === undefined ? rest : { ...rest, lastAppliedJson: JSON.stringify(lastApplied) },
    );
  }

  delete(key: ClusterKey): void {
    this.states.delete(encodeClusterKey(key));
  }

  size(): number {
    return this.states.size;
  }

  /** Every state, e.g. to find what is left in a downstream namespace. */
  *values(): IterableIterator<ResourceState> {
    for (const stored of this.states.values()) yield restore(stored);
  }
}

function restore(stored: StoredState): ResourceState {
  const { lastAppliedJson, ...rest } = stored;
  return lastAppliedJson === undefined
    ? rest
    : { ...rest, lastApplied: JSON.parse(lastAppliedJson) as KubeObject };
}
