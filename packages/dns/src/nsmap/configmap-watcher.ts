import { CONFIGMAPS_GVR, type KubeClient, type Logger, NOOP_LOGGER } from '@kcp-tmc/interfaces';
import { SharedInformer } from '@kcp-tmc/kube';
import type { NamespaceMap } from './namespace-map.js';

export interface ConfigMapWatcherOptions {
  /** The nameserver's own namespace (kcp's Deployment passes it as `NAMESPACE`). */
  readonly namespace: string;
  /** `--configmap-name`. */
  readonly name: string;
  /** How long {@link ConfigMapWatcher.start} waits for the first list (ms). Default 30 s. */
  readonly syncTimeoutMs?: number;
}

/**
 * kcp's nsmap watcher (pkg/dns/plugin/nsmap/config.go): a list+watch of the one ConfigMap, by field selector
 * in its namespace (all the nameserver's Role allows), feeding every version of its data to the map. A deleted
 * ConfigMap maps nothing, so names are forwarded unchanged.
 */
export class ConfigMapWatcher {
  private readonly informer: SharedInformer;
  private readonly logger: Logger;
  private subscription: { unsubscribe(): void } | undefined;

  constructor(
    client: KubeClient,
    private readonly map: NamespaceMap,
    private readonly options: ConfigMapWatcherOptions,
    logger: Logger = NOOP_LOGGER,
  ) {
    this.logger = logger.child({ configmap: `${options.namespace}/${options.name}` });
    this.informer = new SharedInformer(
      client,
      { gvr: CONFIGMAPS_GVR, namespace: options.namespace, fieldSelector: `metadata.name=${options.name}` },
      { useClusterAnnotation: false, logger: this.logger },
    );
  }

  /** Resolves once the ConfigMap has been listed (kcp's nameserver does not serve before). */
  async start(): Promise<void> {
    this.subscription = this.informer.events$.subscribe({
      next: (event) => {
        const data = event.type === 'delete' ? undefined : (event.object.data as Record<string, unknown>);
        this.map.replace(data);
        this.logger.info('reloading nsmap ConfigMap', { event: event.type, namespaces: this.map.size });
      },
    });
    this.informer.start();
    await this.informer.waitForSync(AbortSignal.timeout(this.options.syncTimeoutMs ?? 30_000));
  }

  async stop(): Promise<void> {
    this.subscription?.unsubscribe();
    await this.informer.stop();
  }
}
