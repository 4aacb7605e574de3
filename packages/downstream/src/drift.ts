import {
  type ClusterKey,
  DOWNSTREAM_CLUSTER_LABEL,
  encodeClusterKey,
  type GVR,
  gvrToString,
  type Informer,
  type InformerEvent,
  type Logger,
  type ResourceStateStore,
} from '@kcp-tmc/interfaces';
import { driftedFields } from './diff/differ.js';
import type { RetentionRegistry } from './retain/registry.js';

export interface DriftWatcherParts {
  readonly syncTargetKey: string;
  readonly states: ResourceStateStore;
  readonly retention: RetentionRegistry;
  readonly logger: Logger;
  /** Called with the upstream key of a drifted object. */
  readonly onDrift: (key: ClusterKey, fields: readonly string[]) => void;
}

function placeKey(gvr: GVR, namespace: string, name: string): string {
  return `${gvrToString(gvr)}|${namespace}|${name}`;
}

/**
 * Watches our downstream objects (through the shared downstream informers) and reports those whose owned
 * fields no longer match what we applied: a human edit, or another controller fighting us.
 */
export class DriftWatcher {
  private readonly subscriptions = new Map<string, { unsubscribe(): void }>();
  /** Downstream place → the upstream key written there. */
  private readonly origins = new Map<string, ClusterKey>();

  constructor(private readonly parts: DriftWatcherParts) {}

  /** Starts watching a GVR's informer (once per GVR). */
  watch(gvr: GVR, informer: Informer): void {
    const name = gvrToString(gvr);
    if (this.subscriptions.has(name)) return;
    this.subscriptions.set(name, informer.events$.subscribe({ next: (event) => this.onEvent(gvr, event) }));
  }

  remember(gvr: GVR, namespace: string, name: string, key: ClusterKey): void {
    this.origins.set(placeKey(gvr, namespace, name), key);
  }

  forget(gvr: GVR, namespace: string, name: string): void {
    this.origins.delete(placeKey(gvr, namespace, name));
  }

  stop(): void {
    for (const subscription of this.subscriptions.values()) subscription.unsubscribe();
    this.subscriptions.clear();
  }

  private onEvent(gvr: GVR, event: InformerEvent): void {
    if (event.type !== 'update' || event.resync === true) return;
    const live = event.object;
    if (live.metadata.labels?.[DOWNSTREAM_CLUSTER_LABEL] !== this.parts.syncTargetKey) return;
    if (live.metadata.deletionTimestamp !== undefined) return;
    const key = this.origins.get(placeKey(gvr, live.metadata.namespace ?? '', live.metadata.name ?? ''));
    if (key === undefined) return;
    const state = this.parts.states.get(key);
    if (state?.lastApplied === undefined || state.resourceVersion === live.metadata.resourceVersion) return;
    const want = this.parts.retention.retain(gvr, state.lastApplied, live, state.lastApplied);
    const fields = driftedFields(live, want);
    if (fields.length === 0) return;
    this.parts.logger.info('downstream drift: correcting', { key: encodeClusterKey(key), fields });
    this.parts.onDrift(key, fields);
  }
}
