// Credentials only @kubernetes/client-node knows (exec and auth-provider plugins, proxies, custom
// authenticators). client-node is imported on the first request, never at module load.
import type { Agent } from 'node:http';
import type { RequestOptions } from 'node:https';
import type { KubeConfig } from '@kubernetes/client-node';
import { connectionAgent } from './agents.js';
import type { TlsMaterial } from './credentials.js';
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

/** What client-node resolved for one request: headers, TLS settings, and its agent when it goes by a proxy. */
interface Applied {
  headers: Record<string, string>;
  tls: TlsMaterial;
  proxyAgent: Agent | undefined;
}

/**
 * Static credentials are resolved once (headers and pool reused). Changing ones (exec, auth providers) are
 * asked of client-node on every request so tokens refresh; their pool is still built once (renewed every
 * `execTtlMs` for exec plugins, which may hand out short-lived client certificates). client-node hands out
 * node:https options (applyToHTTPSOptions); the pool is ours, built from them, except through a proxy, where
 * client-node's proxy agent carries the requests.
 */
export class ClientNodeCredentials implements Credentials {
  private kc: Promise<KubeConfig> | undefined;
  private readonly hasExec: boolean;
  private readonly staticCredentials: boolean;
  private agent: Agent | undefined;
  private agentCreatedAt = 0;
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

  authenticate(): Promise<RequestAuth> {
    if (this.closed) return Promise.reject(new Error('connection is closed'));
    if (!this.staticCredentials) return this.authenticateDynamic();
    if (this.staticAuth === undefined) {
      const resolving = this.resolveStatic();
      this.staticAuth = resolving;
      // A failure (a certificate file not there yet) is not remembered: the next request tries again.
      resolving.catch(() => {
        if (this.staticAuth === resolving) this.staticAuth = undefined;
      });
    }
    return this.staticAuth;
  }

  private async apply(): Promise<Applied> {
    const kc = await this.kubeConfig();
    const opts: RequestOptions = { headers: {} };
    await kc.applyToHTTPSOptions(opts);
    if (this.closed) throw new Error('connection is closed');
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(opts.headers ?? {})) {
      if (value !== undefined) headers[name] = String(value);
    }
    // Basic auth comes back as `auth` (user:password), the form node:https takes; the header says the same.
    if (typeof opts.auth === 'string') {
      headers.Authorization = `Basic ${Buffer.from(opts.auth).toString('base64')}`;
    }
    const proxied = kc.getCurrentCluster()?.proxyUrl;
    return { headers, tls: tlsOf(opts), proxyAgent: proxied ? (opts.agent as Agent) : undefined };
  }

  /** client-node's proxy agent, or a pool of ours with the TLS settings client-node resolved. */
  private poolFor(applied: Applied): Agent {
    return applied.proxyAgent ?? connectionAgent(this.baseUrl, applied.tls);
  }

  private async resolveStatic(): Promise<RequestAuth> {
    const applied = await this.apply();
    this.agent = this.poolFor(applied);
    this.agentCreatedAt = Date.now();
    return Object.freeze({ headers: Object.freeze({ ...applied.headers }), agent: this.agent });
  }

  private async authenticateDynamic(): Promise<RequestAuth> {
    const applied = await this.apply();
    const now = Date.now();
    const expired = this.hasExec && now - this.agentCreatedAt > this.execTtlMs;
    if (this.agent === undefined || expired) {
      // In-flight requests (watches) finish on the old pool, whose idle connections then time out.
      this.agent = this.poolFor(applied);
      this.agentCreatedAt = now;
    }
    return { headers: applied.headers, agent: this.agent };
  }

  async close(): Promise<void> {
    this.closed = true;
    this.staticAuth = undefined;
    const agent = this.agent;
    this.agent = undefined;
    agent?.destroy();
  }
}

/** The TLS settings among node:https options (what client-node copies into its own agents). */
function tlsOf(opts: RequestOptions): TlsMaterial {
  const tls: TlsMaterial = {};
  if (opts.ca !== undefined) tls.ca = opts.ca as Buffer;
  if (opts.cert !== undefined) tls.cert = opts.cert as Buffer;
  if (opts.key !== undefined) tls.key = opts.key as Buffer;
  if (opts.rejectUnauthorized !== undefined) tls.rejectUnauthorized = opts.rejectUnauthorized;
  if (opts.servername !== undefined) tls.servername = opts.servername;
  return tls;
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
