// Credentials only @kubernetes/client-node knows (exec and auth-provider plugins, proxies, custom
// authenticators). client-node is imported on the first request, never at module load.
import type { HttpMethod, KubeConfig } from '@kubernetes/client-node';
import type { Dispatcher } from 'undici';
import type { LoadedKubeConfig } from './kubeconfig-model.js';
import type { Credentials, RequestAuth } from './native-auth.js';

/**
 * Whether the current user's credentials stay the same for the life of the process: no exec plugin, no
 * auth provider (OIDC, cloud providers, and the `tokenFile` provider of in-cluster configs, whose file is
 * re-read), no custom authenticator registered on a wrapped client-node KubeConfig. A kubeconfig `token-file`
 * is read once, when the kubeconfig is loaded, so it is static too.
 */
export function hasStaticCredentials(kc: LoadedKubeConfig): boolean {
  const user = kc.getCurrentUser();
  if (user !== null && (user.exec != null || user.authProvider != null)) return false;
  // Private in client-node's typings; any custom authenticator may apply to any user.
  const custom = (kc.clientNode as unknown as { custom_authenticators?: unknown } | undefined)
    ?.custom_authenticators;
  return !(Array.isArray(custom) && custom.length > 0);
}

/**
 * Static credentials are resolved once (headers and pool reused). Changing ones (exec, auth providers) are
 * asked of client-node on every request so tokens refresh; their pool is still built once (renewed every
 * `execTtlMs` for exec plugins, which may hand out short-lived client certificates), since client-node would
 * build a new one for every request.
 */
export class ClientNodeCredentials implements Credentials {
  private kc: Promise<KubeConfig> | undefined;
  private readonly hasExec: boolean;
  private readonly staticCredentials: boolean;
  private dispatcher: Dispatcher | undefined;
  private dispatcherCreatedAt = 0;
  private haveDispatcher = false;
  /** Static credentials: the one RequestAuth, once resolved (or while resolving). */
  private staticAuth: Promise<RequestAuth> | undefined;
  private closed = false;

  constructor(
    private readonly config: LoadedKubeConfig,
    private readonly baseUrl: URL,
    private readonly execTtlMs: number,
  ) {
    this.hasExec = config.getCurrentUser()?.exec != null;
    this.staticCredentials = hasStaticCredentials(config);
  }

  /** The client-node KubeConfig that authenticates (for tests and callers of client-node's own APIs). */
  kubeConfig(): Promise<KubeConfig> {
    this.kc ??= this.config.toClientNode().then((kc) => plainHttpTolerant(kc, this.baseUrl));
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

  private async apply(
    url: URL,
    method: string,
  ): Promise<{ headers: Record<string, string>; fresh?: Dispatcher }> {
    const kc = await this.kubeConfig();
    const { RequestContext } = await import('@kubernetes/client-node');
    const ctx = new RequestContext(url.href, method.toUpperCase() as HttpMethod);
    await kc.applySecurityAuthentication(ctx);
    const fresh = ctx.getDispatcher() as Dispatcher | undefined;
    this.checkOpen(fresh);
    return { headers: ctx.getHeaders(), ...(fresh === undefined ? {} : { fresh }) };
  }

  private async resolveStatic(url: URL, method: string): Promise<RequestAuth> {
    const { headers, fresh } = await this.apply(url, method);
    this.dispatcher = fresh;
    this.dispatcherCreatedAt = Date.now();
    this.haveDispatcher = true;
    return Object.freeze({ headers: Object.freeze({ ...headers }), dispatcher: fresh });
  }

  private async authenticateDynamic(url: URL, method: string): Promise<RequestAuth> {
    const { headers, fresh } = await this.apply(url, method);
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
    return { headers, dispatcher: this.dispatcher };
  }

  /** Closed while client-node was working: the pool it just built would never be closed. */
  private checkOpen(fresh: Dispatcher | undefined): void {
    if (!this.closed) return;
    if (fresh !== undefined) void fresh.destroy().catch(() => {});
    throw new Error('connection is closed');
  }

  async close(): Promise<void> {
    this.closed = true;
    this.staticAuth = undefined;
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
  const copy = new (kc.constructor as new () => KubeConfig)();
  copy.loadFromOptions({
    clusters: kc.clusters.map((c) => (c.name === current.name ? { ...c, skipTLSVerify: true } : c)),
    users: kc.users,
    contexts: kc.contexts,
    currentContext: kc.currentContext,
  });
  return copy;
}
