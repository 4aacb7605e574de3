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

/**
 * What to add to one request: auth headers and the connection pool carrying TLS settings. With static
 * credentials the same (frozen) object is handed to every request: treat it as read-only.
 */
export interface RequestAuth {
  readonly headers: Readonly<Record<string, string>>;
  readonly dispatcher: Dispatcher | undefined;
}

/**
 * One API server as seen through one kubeconfig context: its base URL and a way to authenticate requests.
 * Static credentials (token, basic auth, client certificate data or files, none) are resolved once: the
 * headers and the TLS connection pool are reused by every request, so CA and certificate files are not read
 * again per request. Credentials that change (exec and auth-provider plugins, which include the in-cluster
 * service-account token file) come from client-node on every request so tokens refresh; their connection
 * pool is still built once (renewed for exec plugins, see `execDispatcherTtlMs`), since client-node would
 * build a new one for every request.
 */
export class ClusterConnection {
  readonly baseUrl: URL;
  private readonly kc: KubeConfig;
  private readonly hasExec: boolean;
  private readonly staticCredentials: boolean;
  private readonly execTtlMs: number;
  private dispatcher: Dispatcher | undefined;
  private dispatcherCreatedAt = 0;
  private haveDispatcher = false;
  /** Static credentials: the one RequestAuth, once resolved (or while resolving). */
  private staticAuth: Promise<RequestAuth> | undefined;
  private closed = false;

  constructor(kubeConfig: KubeConfig, options: ClusterConnectionOptions = {}) {
    const cluster = kubeConfig.getCurrentCluster();
    if (cluster === null) throw new Error('kubeconfig names no current cluster');
    this.baseUrl = new URL(options.server ?? cluster.server);
    this.kc = plainHttpTolerant(kubeConfig, this.baseUrl);
    const user = kubeConfig.getCurrentUser();
    // client-node fills absent fields with null, not undefined.
    this.hasExec = user?.exec != null;
    this.staticCredentials = hasStaticCredentials(kubeConfig);
    this.execTtlMs = options.execDispatcherTtlMs ?? 5 * 60_000;
  }

  /** The KubeConfig in use (for callers that also use client-node's own APIs). */
  get kubeConfig(): KubeConfig {
    return this.kc;
  }

  authenticate(url: URL, method: string): Promise<RequestAuth> {
    if (this.closed) return Promise.reject(new Error('connection is closed'));
    if (!this.staticCredentials) return this.authenticateDynamic(url, method);
    if (this.staticAuth === undefined) {
      const resolving = this.resolveStatic(url, method);
      this.staticAuth = resolving;
      // A failure (a certificate file not there yet) is not remembered: the next request tries again.
      resolving.catch(() => {
        if (this.staticAuth === resolving) this.staticAuth = undefined;
      });
    }
    return this.staticAuth;
  }

  private async resolveStatic(url: URL, method: string): Promise<RequestAuth> {
    const ctx = new RequestContext(url.href, method.toUpperCase() as HttpMethod);
    await this.kc.applySecurityAuthentication(ctx);
    const dispatcher = ctx.getDispatcher();
    this.checkOpen(dispatcher);
    this.dispatcher = dispatcher;
    this.dispatcherCreatedAt = Date.now();
    this.haveDispatcher = true;
    return Object.freeze({ headers: Object.freeze({ ...ctx.getHeaders() }), dispatcher });
  }

  private async authenticateDynamic(url: URL, method: string): Promise<RequestAuth> {
    const ctx = new RequestContext(url.href, method.toUpperCase() as HttpMethod);
    await this.kc.applySecurityAuthentication(ctx);
    const fresh = ctx.getDispatcher();
    this.checkOpen(fresh);
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

  /** Closed while client-node was working: the pool it just built would never be closed. */
  private checkOpen(fresh: Dispatcher | undefined): void {
    if (!this.closed) return;
    if (fresh !== undefined) void fresh.destroy().catch(() => {});
    throw new Error('connection is closed');
  }

  /** Closes pooled connections; open watches end. */
  async close(): Promise<void> {
    this.closed = true;
    this.staticAuth = undefined;
    const d = this.dispatcher;
    this.dispatcher = undefined;
    if (d !== undefined) await d.destroy().catch(() => {});
  }
}

/**
 * Whether the current user's credentials stay the same for the life of the process: no exec plugin, no
 * auth provider (OIDC, cloud providers, and the `tokenFile` provider of in-cluster configs, whose file is
 * re-read), no custom authenticator registered on the KubeConfig. A kubeconfig `token-file` is read by
 * client-node once, when the kubeconfig is loaded, so it is static too.
 */
export function hasStaticCredentials(kc: KubeConfig): boolean {
  const user = kc.getCurrentUser();
  if (user !== null && (user.exec != null || user.authProvider != null)) return false;
  // Private in client-node's typings; any custom authenticator may apply to any user.
  const custom = (kc as unknown as { custom_authenticators?: unknown }).custom_authenticators;
  return !(Array.isArray(custom) && custom.length > 0);
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
