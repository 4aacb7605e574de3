import type { KubeConfig } from '@kubernetes/client-node';
import { ClientNodeCredentials } from './client-node-auth.js';
import {
  defaultKubeConfig,
  inClusterConfig,
  parseKubeConfig,
  readKubeConfigFile,
} from './kubeconfig-load.js';
import { LoadedKubeConfig } from './kubeconfig-model.js';
import { type Credentials, NativeCredentials, type RequestAuth } from './native-auth.js';

/** Where the credentials come from. With none of `file`, `kubeconfig`, `inCluster`: client-node's defaults. */
export interface KubeConfigSource {
  /** A kubeconfig file (`--from-kubeconfig`). */
  file?: string;
  /** Kubeconfig content (YAML or JSON). */
  kubeconfig?: string;
  /**
   * The service account of the pod we run in: `KUBERNETES_SERVICE_HOST`/`_PORT`, and the CA and token files
   * (the token file is re-read, so rotated tokens are picked up).
   */
  inCluster?: boolean;
  /** Prefix of the service-account directory (`<prefix>/var/run/secrets/kubernetes.io/serviceaccount`). */
  inClusterPathPrefix?: string;
  /** Context to use instead of the file's `current-context` (`--from-context`). */
  context?: string;
  /** An already loaded client-node KubeConfig (authenticates requests itself; `context` still applies). */
  kubeConfig?: KubeConfig;
}

/**
 * Loads a kubeconfig without @kubernetes/client-node (whose KubeConfig module loads its whole generated API),
 * with client-node's defaults and semantics. Users with exec or auth-provider plugins are authenticated by
 * client-node, imported on their first request.
 */
export function loadKubeConfig(source: KubeConfigSource = {}): LoadedKubeConfig {
  let kc: LoadedKubeConfig;
  if (source.kubeConfig !== undefined) kc = LoadedKubeConfig.fromClientNode(source.kubeConfig);
  else if (source.file !== undefined) kc = new LoadedKubeConfig(readKubeConfigFile(source.file));
  else if (source.kubeconfig !== undefined) kc = new LoadedKubeConfig(parseKubeConfig(source.kubeconfig));
  else if (source.inCluster === true) kc = new LoadedKubeConfig(inClusterConfig(source.inClusterPathPrefix));
  else kc = new LoadedKubeConfig(defaultKubeConfig());
  if (source.context !== undefined) {
    if (kc.getContextObject(source.context) === null) {
      throw new Error(`kubeconfig has no context "${source.context}"`);
    }
    kc.setCurrentContext(source.context);
  }
  if (kc.getCurrentCluster() === null) throw new Error('kubeconfig names no current cluster');
  return kc;
}

export interface ClusterConnectionOptions {
  /**
   * Send requests here instead of the kubeconfig's server, with the same credentials: a kcp virtual
   * workspace URL (`.../services/syncer/<cluster>/<target>/<uid>`) or a workspace (`.../clusters/root:org`).
   */
  server?: string;
  /**
   * Exec plugins may hand out short-lived client certificates: the connection pool is renewed this often
   * (ms) for users with an exec plugin, so new certificates are used. Default 5 minutes.
   */
  execDispatcherTtlMs?: number;
}

/**
 * One API server as seen through one kubeconfig context: its base URL and a way to authenticate requests.
 * Static credentials and the in-cluster token file are handled by our own code, resolved once into headers and
 * a TLS connection pool shared by the process's connections to the server (see NativeCredentials); plugins and
 * proxies by client-node (ClientNodeCredentials).
 */
export class ClusterConnection {
  readonly baseUrl: URL;
  /** How requests are authenticated (our own code, or client-node for plugins and proxies). */
  readonly credentials: Credentials;
  private readonly kc: LoadedKubeConfig;
  /** Requests and watches in flight (their Transport's controllers): a shared pool outlives this connection. */
  private readonly inFlight = new Set<AbortController>();
  private closed = false;

  constructor(kubeConfig: LoadedKubeConfig, options: ClusterConnectionOptions = {}) {
    const cluster = kubeConfig.getCurrentCluster();
    if (cluster === null) throw new Error('kubeconfig names no current cluster');
    this.baseUrl = new URL(options.server ?? cluster.server);
    this.kc = kubeConfig;
    this.credentials = kubeConfig.native
      ? new NativeCredentials(kubeConfig)
      : new ClientNodeCredentials(kubeConfig, this.baseUrl, options.execDispatcherTtlMs ?? 5 * 60_000);
  }

  /** The kubeconfig in use. */
  get kubeConfig(): LoadedKubeConfig {
    return this.kc;
  }

  authenticate(url: URL, method: string): Promise<RequestAuth> {
    return this.credentials.authenticate(url, method);
  }

  /**
   * Registers a request in flight, for {@link close} to end; call the function returned when it is over. On a
   * closed connection it is aborted at once.
   */
  track(request: AbortController): () => void {
    if (this.closed) {
      request.abort(closedError());
      return () => undefined;
    }
    this.inFlight.add(request);
    return () => this.inFlight.delete(request);
  }

  /** Ends this connection's requests and open watches, and closes its pools unless other connections use them. */
  close(): Promise<void> {
    this.closed = true;
    const reason = closedError();
    for (const request of this.inFlight) request.abort(reason);
    this.inFlight.clear();
    return this.credentials.close();
  }
}

function closedError(): Error {
  return new Error('connection is closed');
}

export { hasStaticCredentials } from './client-node-auth.js';
export type { KubeCluster, KubeContext, KubeUser } from './kubeconfig-model.js';
export { LoadedKubeConfig } from './kubeconfig-model.js';
export type { RequestAuth } from './native-auth.js';
