import { Agent, request } from 'node:https';
import { readAnswer } from './sim-support.js';
import { eachLine, WatchWaiters } from './watch-waiters.js';

// HTTPS to the real servers as their admin (bearer token, their CA), over keep-alive connections: the load the
// benchmark generates must not pay a TLS handshake per request.

export interface ServerAccess {
  readonly url: string;
  /** Bearer token; without it, the client certificate authenticates. */
  readonly token?: string;
  readonly caCertPem: string;
  readonly clientCertPem?: string;
  readonly clientKeyPem?: string;
}

/**
 * Every user of kcp's admin.kubeconfig (tokens, and a client certificate if there is one): only its shard admin
 * may read kcp's /metrics, and which entry that is differs between kcp builds, so the caller tries each.
 */
export function adminUsersOf(kubeconfigYaml: string, url: string, caCertPem: string): ServerAccess[] {
  const users: ServerAccess[] = [];
  for (const match of kubeconfigYaml.matchAll(/\btoken:\s*(\S+)/g)) {
    users.push({ url, caCertPem, token: match[1] as string });
  }
  const cert = /client-certificate-data:\s*(\S+)/.exec(kubeconfigYaml)?.[1];
  const key = /client-key-data:\s*(\S+)/.exec(kubeconfigYaml)?.[1];
  if (cert !== undefined && key !== undefined) {
    const pem = (b64: string) => Buffer.from(b64, 'base64').toString('utf8');
    users.push({ url, caCertPem, clientCertPem: pem(cert), clientKeyPem: pem(key) });
  }
  return users;
}

export class RealClient {
  private readonly agent: Agent;

  constructor(
    readonly server: ServerAccess,
    concurrency = 16,
  ) {
    this.agent = new Agent({
      keepAlive: true,
      maxSockets: concurrency,
      ca: server.caCertPem,
      ...(server.clientCertPem === undefined ? {} : { cert: server.clientCertPem, key: server.clientKeyPem }),
    });
  }

  /** One request; resolves with the status and body text. */
  send(
    method: string,
    path: string,
    body?: unknown,
    contentType = 'application/json',
  ): Promise<{ status: number; body: string }> {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    return new Promise((resolve, reject) => {
      const req = request(
        `${this.server.url}${path}`,
        {
          method,
          agent: this.agent,
          headers: {
            ...(this.server.token === undefined ? {} : { authorization: `Bearer ${this.server.token}` }),
            accept: 'application/json',
            ...(payload === undefined
              ? {}
              : { 'content-type': contentType, 'content-length': Buffer.byteLength(payload) }),
          },
        },
        (res) => readAnswer(res, resolve, reject),
      );
      req.on('error', reject);
      req.end(payload);
    });
  }

  /** A request that must answer one of `ok`; throws with the body otherwise. */
  async expect(method: string, path: string, ok: number[], body?: unknown, contentType?: string) {
    const res = await this.send(method, path, body, contentType);
    if (!ok.includes(res.status))
      throw new Error(`${method} ${path}: ${res.status} ${res.body.slice(0, 300)}`);
    return res;
  }

  /** A watch: calls `onEvent` with each parsed event; returns the abort. */
  watch(path: string, onEvent: (event: WatchEvent) => void): Promise<() => void> {
    return new Promise((resolve, reject) => {
      const req = request(
        `${this.server.url}${path}`,
        { ca: this.server.caCertPem, headers: { authorization: `Bearer ${this.server.token}` } },
        (res) => {
          if (res.statusCode !== 200) reject(new Error(`watch ${path}: ${res.statusCode}`));
          eachLine(res, (line) => onEvent(JSON.parse(line) as WatchEvent));
          res.on('error', () => {});
          resolve(() => req.destroy());
        },
      );
      req.on('error', reject);
      req.end();
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

export interface WatchEvent {
  type: string;
  object: { metadata: { namespace?: string; name: string; annotations?: Record<string, string> } };
}

/** The label selector of one SyncTarget's objects downstream. */
export const downstreamSelector = (syncTargetKey: string) =>
  `internal.workload.kcp.io/cluster=${syncTargetKey}`;

/** The label selector of upstream objects kcp has scheduled to one SyncTarget (what its syncer watches). */
export const scheduledSelector = (syncTargetKey: string) => `state.workload.kcp.io/${syncTargetKey}=Sync`;

/**
 * Watched ConfigMaps of one label selector (a SyncTarget's synced objects downstream, or the objects kcp has
 * scheduled upstream): counts distinct bench objects per name prefix, notes when each was first seen, and when
 * each `bench/seq` annotation value first arrives.
 */
export class SyncedConfigMaps {
  /** `<namespace>/<name>` of every bench object seen, with when it was first seen. */
  readonly seen = new Map<string, number>();
  readonly seqAt = new Map<string, number>();
  private abort: (() => void) | undefined;
  private readonly waiters = new WatchWaiters();

  /** Watches `/api/v1/configmaps` under `root` (`''`, or `/clusters/<ws>` upstream) with `selector`. */
  async start(client: RealClient, selector: string, root = ''): Promise<void> {
    const query = `watch=1&labelSelector=${encodeURIComponent(selector)}`;
    this.abort = await client.watch(`${root}/api/v1/configmaps?${query}`, (event) => {
      const now = performance.now();
      const { metadata } = event.object;
      if (event.type === 'ADDED' || event.type === 'MODIFIED') {
        const key = `${metadata.namespace}/${metadata.name}`;
        if (metadata.name.startsWith('bench-') && !this.seen.has(key)) this.seen.set(key, now);
        const seq = metadata.annotations?.['bench/seq'];
        if (seq !== undefined && !this.seqAt.has(seq)) this.seqAt.set(seq, now);
      }
      this.waiters.wake();
    });
  }

  /** Bench objects seen whose name starts with `prefix`. */
  count(prefix: string): number {
    return this.firstSeen(prefix).length;
  }

  /** When each bench object whose name starts with `prefix` was first seen (performance.now() ms). */
  firstSeen(prefix: string): number[] {
    const at: number[] = [];
    for (const [key, t] of this.seen) if (key.slice(key.indexOf('/') + 1).startsWith(prefix)) at.push(t);
    return at;
  }

  /** Resolves when `predicate` holds (checked on every event), or rejects after `timeoutMs`. */
  until(predicate: () => boolean, what: string, timeoutMs: number): Promise<void> {
    return this.waiters.until(predicate, what, timeoutMs);
  }

  stop(): void {
    this.abort?.();
  }
}
