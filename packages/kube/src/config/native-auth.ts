import { readFile } from 'node:fs/promises';
import { Agent, type Dispatcher } from 'undici';
import { authHeaders, tlsMaterial, tokenFileOf } from './credentials.js';
import type { LoadedKubeConfig } from './kubeconfig-model.js';

/**
 * What to add to one request: auth headers and the connection pool carrying TLS settings. With static
 * credentials the same (frozen) object is handed to every request: treat it as read-only.
 */
export interface RequestAuth {
  readonly headers: Readonly<Record<string, string>>;
  readonly dispatcher: Dispatcher | undefined;
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
 * file, by our own code. TLS material is read once into one connection pool (a failure is not remembered: the
 * next request reads again); headers are built once, or again when the token file is re-read.
 */
export class NativeCredentials implements Credentials {
  private pool: Promise<Dispatcher | undefined> | undefined;
  private current: RequestAuth | undefined;
  /** The file token `current` was built with. */
  private currentToken: string | undefined;
  private token: { value: string; readAt: number } | undefined;
  private readonly tokenFile: string | undefined;
  private closed = false;

  constructor(private readonly kc: LoadedKubeConfig) {
    this.tokenFile = tokenFileOf(kc.getCurrentUser());
  }

  async authenticate(): Promise<RequestAuth> {
    if (this.closed) throw new Error('connection is closed');
    const dispatcher = await this.dispatcher();
    const token = await this.fileToken();
    const auth = this.current;
    if (auth !== undefined && auth.dispatcher === dispatcher && token === this.currentToken) return auth;
    const headers = Object.freeze(authHeaders(this.kc.getCurrentUser(), token));
    this.current = Object.freeze({ headers, dispatcher });
    this.currentToken = token;
    return this.current;
  }

  private dispatcher(): Promise<Dispatcher | undefined> {
    if (this.pool === undefined) {
      const building = this.buildPool();
      this.pool = building;
      building.catch(() => {
        if (this.pool === building) this.pool = undefined;
      });
    }
    return this.pool;
  }

  private async buildPool(): Promise<Dispatcher | undefined> {
    const tls = await tlsMaterial(this.kc.getCurrentCluster(), this.kc.getCurrentUser());
    if (this.closed) throw new Error('connection is closed');
    // No TLS settings: the global pool, as client-node does. Keep-alive probes at 30 s, as client-go does.
    if (Object.keys(tls).length === 0) return undefined;
    return new Agent({ connect: { ...tls, keepAlive: true, keepAliveInitialDelay: 30_000 } });
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
    const pool = this.pool;
    this.pool = undefined;
    this.current = undefined;
    const dispatcher = await pool?.catch(() => undefined);
    if (dispatcher !== undefined) await dispatcher.destroy().catch(() => {});
  }
}
