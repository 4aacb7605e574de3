import {
  type Informer,
  type InformerFactory,
  type InformerOptions,
  SYNC_TARGET_GVR,
  type SyncTarget,
  type SyncTargetRef,
} from '@kcp-tmc/interfaces';

/** The field selector every list and watch of the agent's SyncTarget carries: `metadata.name=<name>`. */
export function syncTargetFieldSelector(name: string): string {
  return `metadata.name=${name}`;
}

/**
 * The agent's own SyncTarget, through an informer that lists and watches only it: kcp's generated ClusterRole
 * grants get/list/watch on this one SyncTarget (resourceNames), which admits a list or watch only when it
 * selects that name (kcp: pkg/syncer/syncer.go tweaks the SyncTarget informer the same way).
 */
export class SyncTargetWatch {
  private informer: Informer | undefined;
  private options: InformerOptions | undefined;
  private subscription: { unsubscribe(): void } | undefined;

  constructor(
    private readonly factory: InformerFactory,
    private readonly syncTarget: SyncTargetRef,
  ) {}

  /** Watches in `cluster` (absent: the client's base) and waits for the first list; `changed` only schedules. */
  async start(cluster: string | undefined, changed: () => void, signal?: AbortSignal): Promise<void> {
    this.options = {
      gvr: SYNC_TARGET_GVR,
      fieldSelector: syncTargetFieldSelector(this.syncTarget.name),
      ...(cluster === undefined ? {} : { cluster }),
    };
    const informer = this.factory.informerFor(this.options);
    this.informer = informer;
    this.subscription = informer.events$.subscribe({
      next: (event) => {
        if (event.object.metadata.name === this.syncTarget.name) changed();
      },
    });
    informer.start();
    await informer.waitForSync(signal);
  }

  /** The SyncTarget object, when the informer has it. */
  object(): SyncTarget | undefined {
    return this.informer?.list().find((object) => object.metadata.name === this.syncTarget.name) as
      | SyncTarget
      | undefined;
  }

  hasSynced(): boolean {
    return this.informer?.hasSynced() === true;
  }

  /** Stops telling about changes; the informer keeps its cache until `release`. */
  detach(): void {
    this.subscription?.unsubscribe();
  }

  async release(): Promise<void> {
    if (this.options !== undefined) await this.factory.release(this.options);
  }
}
