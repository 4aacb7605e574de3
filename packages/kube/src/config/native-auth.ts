import { readFile } from 'node:fs/promises';
import type { Agent } from 'node:http';
import { authHeaders, type TlsMaterial, tlsMaterial, tokenFileOf } from './credentials.js';
import type { LoadedKubeConfig } from './kubeconfig-model.js';
import { leasePool, type PoolLease } from './shared-pools.js';

/**
 * What to add to one request: auth headers and the connection pool (a node:http or node:https Agent for the
 * request's scheme) carrying TLS settings. With static credentials the same (frozen) object is handed to every
 * request: treat it as read-only.
 */
export interface RequestAuth {
  readonly headers: Readonly<Record<string, string>>;
  /** Undefined: Node's global agent. */
  readonly agent: Agent | undefined;
}

/** How a connection authenticates its requests. */
export interface Credentials {
  authenticate(url: URL, method: string): Promise<RequestAuth>;
  close(): Promise<void>;
}

/** client-go re-reads a service-account token file this often (and so does client-node). */
const TOKEN_FILE_REREAD_MS = 60_000;

/**
 * Static credentials (token, basic auth, client certificate data or files, none) and the in-cluster token
 * file, by our own code. TLS material is read once into a keep-alive pool per server, shared with every other
 * connection of the process to that server with the same TLS settings (a failure is not remembered: the next
 * request reads again); headers are built once, or again when the token file is re-read.
 */
export class NativeCredentials implements Credentials {
  private tls: Promise<TlsMaterial> | undefined;
  private readonly pools = new Map<string, PoolLease>();
  private current: RequestAuth | undefined;
  /** The file token `current` was built with. */
  private currentToken: string | undefined;
  private token: { value: string; readAt: number } | undefined;
  private readonly tokenFile: string | undefined;
  private closed = false;

  constructor(private readonly kc: LoadedKubeConfig) {
    this.tokenFile = tokenFileOf(kc.getCurrentUser());
  }

  async authenticate(url: URL): Promise<RequestAuth> {
    if (this.closed) throw new Error('connection is closed');
    const agent = await this.pool(url);
    const token = await this.fileToken();
    const auth = this.current;
    if (auth !== undefined && auth.agent === agent && token === this.currentToken) return auth;
    const headers = Object.freeze(authHeaders(this.kc.getCurrentUser(), token));
    this.current = Object.freeze({ headers, agent });
    this.currentToken = token;
    return this.current;
  }

  private async pool(url: URL): Promise<Agent> {
    const known = this.pools.get(url.origin);
    if (known !== undefined) return known.agent;
    const tls = await this.tlsSettings();
    if (this.closed) throw new Error('connection is closed');
    // Two requests may have waited for the same TLS read: the first one takes the lease.
    let lease = this.pools.get(url.origin);
    if (lease === undefined) {
      lease = leasePool(new URL(url.origin), tls);
      this.pools.set(url.origin, lease);
    }
    return lease.agent;
  }

  private tlsSettings(): Promise<TlsMaterial> {
    if (this.tls === undefined) {
      const reading = tlsMaterial(this.kc.getCurrentCluster(), this.kc.getCurrentUser());
      this.tls = reading;
      reading.catch(() => {
        if (this.tls === reading) this.tls = undefined;
      });
    }
    return this.tls;
  }

  /** The in-cluster token, re-read once a minute; undefined for other users. */
  private async fileToken(): Promise<string | undefined> {
    if (this.tokenFile === undefined) return undefined;
    const now = Date.now();
    if (this.token === undefined || now - this.token.readAt > TOKEN_FILE_REREAD_MS) {
      const value = (await readFile(this.tokenFile, 'utf8')).trim();
      this.token = { value, readAt: now };
    }
    return this.token.value;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.tls = undefined;
    this.current = undefined;
    // Pools others still use stay open; the connection's own requests were ended by ClusterConnection.close.
    for (const lease of this.pools.values()) lease.release();
    this.pools.clear();
  }
}
