import {
  type Clock,
  hasSyncTargetUid,
  type Informer,
  type KubeClient,
  type Logger,
  locatorOf,
  type TimerHandle,
  TmcError,
  TmcErrorType,
} from '@kcp-tmc/interfaces';
import { DNS_GVRS } from './names.js';
import { dnsConfigMap } from './objects.js';

const RETRY_MIN_MS = 500;
const RETRY_MAX_MS = 30_000;

export interface NamespaceMappingParts {
  readonly client: KubeClient;
  /** This SyncTarget's downstream namespaces (the engine's informer). */
  readonly namespaces: Informer;
  readonly syncTargetUid: string;
  readonly dnsNamespace: string;
  /** The DNS objects' name for a logical cluster. */
  readonly nameFor: (cluster: string) => string;
  readonly clock: Clock;
  readonly logger: Logger;
}

/**
 * The per-workspace ConfigMap the nameserver reads: upstream namespace -> downstream namespace, over every
 * downstream namespace of that logical cluster (kcp: pkg/syncer/namespace/namespace_downstream_process.go,
 * `updateDNSConfigMap`). Rebuilt from the cache and written whole when a downstream namespace of this
 * SyncTarget appears (and for each at start). As kcp's, a namespace that goes leaves its entry until the next
 * rebuild: kcp's handler finds the namespace gone from its cache and stops before rewriting the map.
 */
export class DnsNamespaceMapping {
  private readonly pending = new Set<string>();
  private readonly running = new Set<string>();
  private readonly timers = new Map<string, TimerHandle>();
  private readonly failures = new Map<string, number>();
  private subscription: { unsubscribe(): void } | undefined;
  private stopped = false;

  constructor(private readonly parts: NamespaceMappingParts) {}

  /** Subscribes to the namespaces (a late subscriber first gets every cached one). Idempotent. */
  start(): void {
    if (this.subscription !== undefined || this.stopped) return;
    this.subscription = this.parts.namespaces.events$.subscribe({
      next: (event) => {
        if (event.type !== 'add') return;
        const locator = locatorOf(event.object);
        if (locator === undefined || !hasSyncTargetUid(locator, this.parts.syncTargetUid)) return;
        this.refresh(locator.cluster);
      },
      complete: () => this.stop(),
    });
  }

  stop(): void {
    this.stopped = true;
    this.subscription?.unsubscribe();
    for (const timer of this.timers.values()) this.parts.clock.clearTimeout(timer);
    this.timers.clear();
  }

  /** Rewrites the map of `cluster`; refreshes asked for while one runs are folded into one more. */
  refresh(cluster: string): void {
    if (this.stopped) return;
    if (this.running.has(cluster)) {
      this.pending.add(cluster);
      return;
    }
    const timer = this.timers.get(cluster);
    if (timer !== undefined) {
      this.parts.clock.clearTimeout(timer);
      this.timers.delete(cluster);
    }
    this.running.add(cluster);
    void this.write(cluster).then(
      () => this.done(cluster, true),
      (err: unknown) => {
        this.parts.logger.warn('failed to write the DNS namespace map (retrying)', {
          cluster,
          error: String(err),
        });
        this.done(cluster, false);
      },
    );
  }

  /** The map as the cache has it now. */
  dataFor(cluster: string): Record<string, string> {
    const data: Record<string, string> = {};
    for (const namespace of this.parts.namespaces.list()) {
      const locator = locatorOf(namespace);
      if (locator?.cluster === cluster) data[locator.namespace] = namespace.metadata.name ?? '';
    }
    return data;
  }

  private done(cluster: string, ok: boolean): void {
    this.running.delete(cluster);
    if (ok) this.failures.delete(cluster);
    if (this.pending.delete(cluster)) {
      this.refresh(cluster);
      return;
    }
    if (ok || this.stopped) return;
    const failures = (this.failures.get(cluster) ?? 0) + 1;
    this.failures.set(cluster, failures);
    const delay = Math.min(RETRY_MIN_MS * 2 ** (failures - 1), RETRY_MAX_MS);
    this.timers.set(
      cluster,
      this.parts.clock.setTimeout(() => {
        this.timers.delete(cluster);
        this.refresh(cluster);
      }, delay),
    );
  }

  /** kcp writes it whole: update without a resourceVersion, create when missing. */
  private async write(cluster: string): Promise<void> {
    const { client, dnsNamespace } = this.parts;
    const configMap = dnsConfigMap(this.parts.nameFor(cluster), dnsNamespace, this.dataFor(cluster));
    try {
      await client.update(DNS_GVRS.configMaps, configMap, { namespace: dnsNamespace });
    } catch (err) {
      if (!(err instanceof TmcError && err.type === TmcErrorType.NotFound)) throw err;
      await client.create(DNS_GVRS.configMaps, configMap, { namespace: dnsNamespace });
    }
  }
}
