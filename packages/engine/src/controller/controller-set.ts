import {
  type ClusterKey,
  clusterKey,
  EVENTS_GVR,
  type GVR,
  gvrToString,
  type Logger,
  NAMESPACES_GVR,
  type SyncDirection,
  type SyncerInformers,
} from '@kcp-tmc/interfaces';
import type { SyncStatusTracker } from '../sync-status.js';
import { ResourceController } from './resource-controller.js';

/** The running resource controllers, one per GVR, keyed by `gvrToString`. */
export class ControllerSet {
  private readonly controllers = new Map<string, ResourceController>();

  constructor(
    /** The cluster name downstream informers key objects under. */
    private readonly downstreamCluster: string,
    private readonly upstream: SyncerInformers,
    private readonly downstream: SyncerInformers,
    private readonly enqueue: (direction: SyncDirection, key: ClusterKey) => void,
    private readonly status: SyncStatusTracker,
    private readonly logger: Logger,
  ) {}

  get(gvr: string): ResourceController | undefined {
    return this.controllers.get(gvr);
  }

  all(): ResourceController[] {
    return [...this.controllers.values()];
  }

  names(): string[] {
    return [...this.controllers.keys()].sort();
  }

  /** Creates and starts a controller (its handlers enqueue from the first cached object on). */
  add(gvr: GVR, downstreamOnly = false): ResourceController {
    const controller = new ResourceController(
      gvr,
      { upstream: downstreamOnly ? undefined : this.upstream, downstream: this.downstream },
      this.enqueue,
    );
    this.controllers.set(controller.name, controller);
    this.status.track(controller.name);
    controller.start();
    return controller;
  }

  /**
   * Starts controllers for GVRs new in `wanted` and stops those no longer in it; Events are not a GVR of the
   * set and stay. Returns the names started.
   */
  async reconcile(wanted: readonly GVR[]): Promise<string[]> {
    const byName = new Map(wanted.map((gvr) => [gvrToString(gvr), gvr]));
    for (const [name, controller] of this.controllers) {
      if (byName.has(name) || name === gvrToString(EVENTS_GVR)) continue;
      this.controllers.delete(name);
      this.status.untrack(name);
      this.logger.info('stopping controller', { gvr: name });
      await controller.stop();
    }
    const started: string[] = [];
    for (const [name, gvr] of byName) {
      if (this.controllers.has(name)) continue;
      this.add(gvr);
      started.push(name);
    }
    return started;
  }

  /** Stops every handler from enqueueing; informers keep running. */
  detachAll(): void {
    for (const controller of this.controllers.values()) controller.detach();
  }

  async stopAll(): Promise<void> {
    const all = this.all();
    this.controllers.clear();
    await Promise.all(all.map((controller) => controller.stop()));
  }

  /** Whether a downstream namespace is this SyncTarget's (its namespace informer holds only those). */
  ownsNamespace(namespace: string): boolean {
    const namespaces = this.controllers.get(gvrToString(NAMESPACES_GVR));
    if (namespace === '' || namespaces === undefined) return false;
    const key = clusterKey(this.downstreamCluster, NAMESPACES_GVR, '', namespace);
    return namespaces.downstream.get(key) !== undefined;
  }
}
