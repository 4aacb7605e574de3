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
 * Deletes downstream namespaces we own once they stayed empty for the clean delay (kcp's
 * `--downstream-namespace-clean-delay`). A namespace that gains an object in the meantime is kept.
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

  /** Checks `namespace` after the delay (again, if already scheduled: the delay restarts). */
  schedule(namespace: string): void {
    if (this.stopped || namespace === '') return;
    this.cancel(namespace);
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
