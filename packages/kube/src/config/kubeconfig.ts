import { type HttpMethod, KubeConfig, RequestContext } from '@kubernetes/client-node';
import type { Dispatcher } from 'undici';

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
  /** An already loaded KubeConfig (used as is; `context` still applies). */
  kubeConfig?: KubeConfig;
}

/**
 * Loads a KubeConfig through @kubernetes/client-node, which knows every kind of credential (token, client
 * certificate, exec and OIDC plugins, in-cluster service account).
 */
export function loadKubeConfig(source: KubeConfigSource = {}): KubeConfig {
  let kc: KubeConfig;
  if (source.kubeConfig !== undefined) {
    kc = source.kubeConfig;
  } else {
    kc = new KubeConfig();
    if (source.file !== undefined) kc.loadFromFile(source.file);
    else if (source.kubeconfig !== undefined) kc.loadFromString(source.kubeconfig);
    else if (source.inCluster === true) kc.loadFromCluster(source.inClusterPathPrefix);
    else kc.loadFromDefault();
  }
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

/** What to add to one request: auth headers and the connection pool carrying TLS settings. */
export interface RequestAuth {
  headers: Record<string, string>;
  dispatcher: Dispatcher | undefined;
}

/**
 * One API server as seen through one kubeconfig context: its base URL and a way to authenticate requests.
 * Headers come from client-node on every request (so tokens from exec/OIDC plugins refresh); the TLS
 * connection pool is built once and reused, since client-node would build a new pool for every request.
 */
export class ClusterConnection {
  readonly baseUrl: URL;
  private readonly kc: KubeConfig;
  private readonly hasExec: boolean;
  private readonly execTtlMs: number;
  private dispatcher: Dispatcher | undefined;
  private dispatcherCreatedAt = 0;
  private haveDispatcher = false;
  private closed = false;

  constructor(kubeConfig: KubeConfig, options: ClusterConnectionOptions = {}) {
    const cluster = kubeConfig.getCurrentCluster();
    if (cluster === null) throw new Error('kubeconfig names no current cluster');
    this.baseUrl = new URL(options.server ?? cluster.server);
    this.kc = plainHttpTolerant(kubeConfig, this.baseUrl);
    this.hasExec = kubeConfig.getCurrentUser()?.exec !== undefined;
    this.execTtlMs = options.execDispatcherTtlMs ?? 5 * 60_000;
  }

  /** The KubeConfig in use (for callers that also use client-node's own APIs). */
  get kubeConfig(): KubeConfig {
    return this.kc;
  }

  async authenticate(url: URL, method: string): Promise<RequestAuth> {
    if (this.closed) throw new Error('connection is closed');
    const ctx = new RequestContext(url.href, method.toUpperCase() as HttpMethod);
    await this.kc.applySecurityAuthentication(ctx);
    const fresh = ctx.getDispatcher();
    const now = Date.now();
    const expired = this.hasExec && now - this.dispatcherCreatedAt > this.execTtlMs;
    if (!this.haveDispatcher || expired) {
      const previous = this.dispatcher;
      this.dispatcher = fresh;
      this.dispatcherCreatedAt = now;
      this.haveDispatcher = true;
      // In-flight requests (watches) finish on the old pool; close() waits for them.
      if (previous !== undefined) void previous.close().catch(() => {});
    } else if (fresh !== undefined && fresh !== this.dispatcher) {
      // The per-request pool client-node just built holds no sockets yet; drop it.
      void fresh.close().catch(() => {});
    }
    return { headers: ctx.getHeaders(), dispatcher: this.dispatcher };
  }

  /** Closes pooled connections; open watches end. */
  async close(): Promise<void> {
    this.closed = true;
    const d = this.dispatcher;
    this.dispatcher = undefined;
    if (d !== undefined) await d.destroy().catch(() => {});
  }
}

/**
 * client-node refuses an `http:` server unless `insecure-skip-tls-verify` is set, although plain HTTP has no
 * TLS to verify (kubectl accepts it). Give it a copy of the config that says so; credentials are unchanged.
 */
function plainHttpTolerant(kc: KubeConfig, base: URL): KubeConfig {
  const current = kc.getCurrentCluster();
  if (base.protocol !== 'http:' || current === null || current.skipTLSVerify) return kc;
  const copy = new KubeConfig();
  copy.loadFromOptions({
    clusters: kc.clusters.map((c) => (c.name === current.name ? { ...c, skipTLSVerify: true } : c)),
    users: kc.users,
    contexts: kc.contexts,
    currentContext: kc.currentContext,
  });
  return copy;
}
