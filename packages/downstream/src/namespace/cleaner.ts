import {
  type Clock,
  DOWNSTREAM_CLUSTER_LABEL,
  type GVR,
  gvrToString,
  isNamespacesGvr,
  type KubeClient,
  type KubeObject,
  type Logger,
  NAMESPACES_GVR,
  type TimerHandle,
  TmcError,
  TmcErrorType,
} from '@kcp-tmc/interfaces';

export interface NamespaceCleanerOptions {
  readonly client: KubeClient;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly syncTargetKey: string;
  /** `--downstream-namespace-clean-delay` (ms). */
  readonly delayMs: number;
  /** Called when a namespace was deleted, so it is checked again before reuse. */
  readonly onDeleted: (namespace: string) => void;
}

/**
 * Deletes downstream namespaces we own that are empty when their clean delay (kcp's
 * `--downstream-namespace-clean-delay`) is over. As kcp's syncer plans cleaning, the delay runs from the first
 * plan: planning again while one is pending keeps it, so a namespace emptied one object at a time goes once the
 * first plan is due, not a whole delay after its last object. A plan that finds the namespace still holding
 * objects lapses; the next plan starts a new delay. A namespace that gains an object is kept (`cancel`).
 */
export class NamespaceCleaner {
  private readonly timers = new Map<string, TimerHandle>();
  /** The GVRs whose objects keep a namespace alive (the ones the syncer wrote). */
  private readonly gvrs = new Map<string, GVR>();
  private stopped = false;

  constructor(private readonly options: NamespaceCleanerOptions) {}

  /** Counts objects of `gvr` as keeping a namespace alive (namespaces themselves do not). */
  track(gvr: GVR): void {
    if (!isNamespacesGvr(gvr)) this.gvrs.set(gvrToString(gvr), gvr);
  }

  /** Checks `namespace` once the delay is over; a plan already pending is kept as it is. */
  schedule(namespace: string): void {
    if (this.stopped || namespace === '' || this.timers.has(namespace)) return;
    const handle = this.options.clock.setTimeout(() => {
      this.timers.delete(namespace);
      void this.clean(namespace).catch((err: unknown) =>
        this.options.logger.warn('downstream namespace clean-up failed', { namespace, error: String(err) }),
      );
    }, this.options.delayMs);
    this.timers.set(namespace, handle);
  }

  cancel(namespace: string): void {
    const handle = this.timers.get(namespace);
    if (handle === undefined) return;
    this.options.clock.clearTimeout(handle);
    this.timers.delete(namespace);
  }

  pending(): string[] {
    return [...this.timers.keys()];
  }

  stop(): void {
    this.stopped = true;
    for (const namespace of [...this.timers.keys()]) this.cancel(namespace);
  }

  /** Deletes the namespace when it is ours and holds none of the synced objects. Returns whether it did. */
  async clean(namespace: string): Promise<boolean> {
    const { client } = this.options;
    let object: KubeObject;
    try {
      object = await client.get(NAMESPACES_GVR, { name: namespace });
    } catch (err) {
      if (err instanceof TmcError && err.type === TmcErrorType.NotFound) return false;
      throw err;
    }
    if (object.metadata.labels?.[DOWNSTREAM_CLUSTER_LABEL] !== this.options.syncTargetKey) return false;
    if (object.metadata.deletionTimestamp !== undefined) return false;
    for (const gvr of this.gvrs.values()) {
      const list = await client.list(gvr, { namespace }, { limit: 1, singlePage: true });
      if (list.items.length > 0) return false;
    }
    await client.delete(
      NAMESPACES_GVR,
      { name: namespace },
      { preconditions: { uid: object.metadata.uid as string } },
    );
    this.options.onDeleted(namespace);
    this.options.logger.info('deleted empty downstream namespace', { namespace });
    return true;
  }
}
