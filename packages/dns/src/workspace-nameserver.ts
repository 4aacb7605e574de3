import {
  DOWNSTREAM_KUBE_CLIENT,
  type KubeClient,
  LOGGER,
  type Logger,
  NOOP_LOGGER,
} from '@kcp-tmc/interfaces';
import { inject, injectable } from 'tsyringe';
import { ConfigMapWatcher } from './nsmap/configmap-watcher.js';
import { NamespaceMap } from './nsmap/namespace-map.js';
import { Forwarder } from './server/forwarder.js';
import { type ListenAddress, NameServer } from './server/name-server.js';
import { QueryHandler } from './server/query-handler.js';
import type { UpstreamResolver } from './server/upstream.js';
import { WORKSPACE_NAMESERVER_OPTIONS } from './tokens.js';

export interface WorkspaceNameServerOptions {
  /** The namespace of the nameserver and its ConfigMap (`NAMESPACE` in kcp's DNS Deployment). */
  readonly namespace: string;
  /** `--configmap-name`: the ConfigMap mapping the workspace's namespaces to physical ones. */
  readonly configMapName: string;
  /** Where queries go on (kcp: the resolvers of /etc/resolv.conf). */
  readonly resolvers: readonly UpstreamResolver[];
  /** Default `0.0.0.0:5353`. */
  readonly listen?: ListenAddress;
  /** Per resolver tried (ms). Default 2000. */
  readonly attemptTimeoutMs?: number;
  /** Per query (ms). Default 5000. */
  readonly deadlineMs?: number;
  /** How long the first list of the ConfigMap may take (ms). Default 30 s. */
  readonly syncTimeoutMs?: number;
}

/**
 * kcp's per-workspace nameserver (`syncer dns start`): watches its ConfigMap, then serves DNS over UDP and TCP,
 * answering `<svc>.<logical-ns>.svc.<zone>` from the physical namespace and forwarding everything else.
 */
@injectable()
export class WorkspaceNameServer {
  readonly map = new NamespaceMap();
  private readonly watcher: ConfigMapWatcher;
  private readonly server: NameServer;

  constructor(
    @inject(DOWNSTREAM_KUBE_CLIENT) client: KubeClient,
    @inject(WORKSPACE_NAMESERVER_OPTIONS) private readonly options: WorkspaceNameServerOptions,
    // Optional: silent unless the composition root binds a logger.
    @inject(LOGGER, { isOptional: true }) logger: Logger = NOOP_LOGGER,
  ) {
    const log = logger.child({ component: 'dns' });
    this.watcher = new ConfigMapWatcher(
      client,
      this.map,
      {
        namespace: options.namespace,
        name: options.configMapName,
        ...(options.syncTimeoutMs === undefined ? {} : { syncTimeoutMs: options.syncTimeoutMs }),
      },
      log,
    );
    const forwarder = new Forwarder({
      resolvers: options.resolvers,
      ...(options.attemptTimeoutMs === undefined ? {} : { attemptTimeoutMs: options.attemptTimeoutMs }),
      ...(options.deadlineMs === undefined ? {} : { deadlineMs: options.deadlineMs }),
    });
    this.server = new NameServer(new QueryHandler(this.map, forwarder, log), log);
  }

  /** The address served, once the ConfigMap is listed and both sockets listen. */
  async start(): Promise<{ host: string; port: number }> {
    await this.watcher.start();
    try {
      await this.server.listen(this.options.listen);
    } catch (err) {
      await this.watcher.stop();
      throw err;
    }
    return this.server.address;
  }

  async stop(): Promise<void> {
    await Promise.all([this.server.close(), this.watcher.stop()]);
  }
}
