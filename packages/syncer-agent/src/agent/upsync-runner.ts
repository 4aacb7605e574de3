import type { GVR, KubeClient, Logger, SyncTargetRef } from '@kcp-tmc/interfaces';
import { SharedInformerFactory } from '@kcp-tmc/kube';
import { UPSYNCED_RESOURCES, UpsyncController } from '@kcp-tmc/upstream';

export interface UpsyncRunnerParts {
  /** A client of the upsyncer virtual workspace (`status.virtualWorkspaces[0].upsyncerURL`), discovery on `*`. */
  readonly upstream: KubeClient;
  readonly downstream: KubeClient;
  readonly syncTarget: SyncTargetRef;
  readonly logger: Logger;
  /** How often the virtual workspace's discovery is read again (the resources it serves follow the SyncTarget). */
  readonly pollIntervalMs: number;
  /** kcp's syncer runs its upsyncer with 2 workers (cmd/syncer/cmd/syncer.go). */
  readonly workers?: number;
  /** Closes the upsyncer's own connection, once stopped. */
  readonly close?: () => Promise<void>;
}

/** A running UpsyncController and the informers it alone uses. */
interface Generation {
  readonly resources: string;
  readonly controller: UpsyncController;
  readonly factories: readonly SharedInformerFactory[];
  /** Ends a start still waiting for its informers' initial lists. */
  readonly abort: AbortController;
  /** False when the informers never synced: the next poll starts again. */
  readonly started: Promise<boolean>;
}

/**
 * kcp's upsyncer as its syncer runs it (pkg/syncer/syncer.go): the resources are what the upsyncer virtual
 * workspace serves among pods and persistent volumes (kcp serves them only once the SyncTarget syncs them), read
 * from its discovery and followed: a changed set restarts the controller over fresh informers, whose initial
 * lists enqueue every upsynced object again, as kcp's discovering informer factory does for a new resource.
 */
export class UpsyncRunner {
  private current: Generation | undefined;
  private timer: NodeJS.Timeout | undefined;
  private polling: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(private readonly parts: UpsyncRunnerParts) {}

  /** Starts following the virtual workspace; returns at once (the heartbeat and engine do not wait on it). */
  start(): void {
    this.poll();
  }

  /** Stops polling, lets the workers finish what they hold, stops the informers and the connection. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.current?.abort.abort();
    await this.polling;
    await this.retire();
    await this.parts.close?.();
  }

  /** The resources the current controller upsyncs (`pods`, `persistentvolumes`), for tests and logs. */
  get resources(): readonly string[] {
    return this.current === undefined || this.current.resources === ''
      ? []
      : this.current.resources.split(',');
  }

  private poll(): void {
    this.polling = this.follow()
      .catch((err: unknown) =>
        this.parts.logger.warn('upsyncer virtual workspace discovery failed (retrying)', {
          error: String(err),
        }),
      )
      .finally(() => {
        if (!this.stopped) this.timer = setTimeout(() => this.poll(), this.parts.pollIntervalMs);
      });
  }

  private async follow(): Promise<void> {
    const served = await this.served();
    if (this.stopped || served.map((g) => g.resource).join(',') === (this.current?.resources ?? '')) return;
    await this.retire();
    if (served.length === 0 || this.stopped) return;
    this.current = this.launch(served);
    if (!(await this.current.started)) await this.retire();
  }

  /** Pods and persistent volumes, when the virtual workspace serves them (`/clusters/*` discovery). */
  private async served(): Promise<GVR[]> {
    const response = await this.parts.upstream.request('/clusters/*/api/v1');
    if (response.status === 404) return [];
    if (!response.ok) throw new Error(`GET /clusters/*/api/v1: HTTP ${response.status}`);
    const list = (await response.json()) as { resources?: Array<{ name?: string }> };
    const names = new Set((list.resources ?? []).map((r) => r.name));
    return UPSYNCED_RESOURCES.filter((gvr) => names.has(gvr.resource));
  }

  private launch(resources: readonly GVR[]): Generation {
    const { upstream, downstream, syncTarget, logger, workers } = this.parts;
    const upstreamInformers = new SharedInformerFactory(upstream, { logger });
    const downstreamInformers = new SharedInformerFactory(downstream, {
      useClusterAnnotation: false,
      logger,
    });
    const controller = new UpsyncController({
      upstream,
      upstreamInformers,
      downstreamInformers,
      syncTarget,
      resources,
      workers: workers ?? 2,
      logger,
    });
    const names = resources.map((g) => g.resource).join(',');
    logger.info('starting the upsyncer', { resources: names });
    const abort = new AbortController();
    const started = controller.start(abort.signal).then(
      () => true,
      (err: unknown) => {
        if (!abort.signal.aborted)
          logger.error('upsyncer did not start', { resources: names, error: String(err) });
        return false;
      },
    );
    return {
      resources: names,
      controller,
      factories: [upstreamInformers, downstreamInformers],
      abort,
      started,
    };
  }

  private async retire(): Promise<void> {
    const old = this.current;
    if (old === undefined) return;
    this.current = undefined;
    old.abort.abort();
    await old.started;
    await old.controller.stop();
    await Promise.all(old.factories.map((f) => f.stop()));
  }
}
