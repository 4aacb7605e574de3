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

  /**
   * A watch: calls `onEvent` with each parsed event, and `onEnd` once if the server ends it (kube-apiserver
   * closes a watch after 30 to 60 minutes) or the connection breaks; returns the abort, after which neither is
   * called.
   */
  watch(
    path: string,
    onEvent: (event: WatchEvent) => void,
    onEnd: () => void = () => {},
  ): Promise<() => void> {
    return new Promise((resolve, reject) => {
      let stopped = false;
      let ended = false;
      const end = (): void => {
        if (stopped || ended) return;
        ended = true;
        onEnd();
      };
      const req = request(
        `${this.server.url}${path}`,
        { ca: this.server.caCertPem, headers: { authorization: `Bearer ${this.server.token}` } },
        (res) => {
          if (res.statusCode !== 200) {
            res.resume();
            reject(new Error(`watch ${path}: ${res.statusCode}`));
            return;
          }
          eachLine(res, (line) => onEvent(JSON.parse(line) as WatchEvent));
          res.on('error', end);
          res.on('close', end);
          resolve(() => {
            stopped = true;
            req.destroy();
          });
        },
      );
      req.on('error', (err) => {
        reject(err);
        end();
      });
      req.end();
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

export interface WatchEvent {
  type: string;
  object: {
    metadata: {
      namespace?: string;
      name: string;
      resourceVersion?: string;
      annotations?: Record<string, string>;
    };
  };
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
  private stopped = false;
  private readonly waiters = new WatchWaiters();

  /** Watches `/api/v1/configmaps` under `root` (`''`, or `/clusters/<ws>` upstream) with `selector`. */
  start(client: RealClient, selector: string, root = ''): Promise<void> {
    return this.watchFrom(client, `${root}/api/v1/configmaps?watch=1&allowWatchBookmarks=true`, selector);
  }

  /**
   * One watch, from `resourceVersion` when given; when the server ends it, the next one goes on from the last
   * version seen (bookmarks keep that recent), or from now if that version is gone (410: the objects come
   * again as ADDED, and only those not seen before count).
   */
  private async watchFrom(client: RealClient, base: string, selector: string, resourceVersion?: string) {
    const from = resourceVersion === undefined ? '' : `&resourceVersion=${resourceVersion}`;
    let last = resourceVersion;
    let gone = false;
    const path = `${base}&labelSelector=${encodeURIComponent(selector)}${from}`;
    this.abort = await client.watch(
      path,
      (event) => {
        if (event.type === 'ERROR') {
          gone = true;
          return;
        }
        last = event.object.metadata.resourceVersion ?? last;
        if (event.type !== 'BOOKMARK') this.record(event);
        this.waiters.wake();
      },
      () => {
        // A failed re-watch (the server restarting) is tried again; a stopped bench leaves it.
        const retry = (): void => {
          if (this.stopped) return;
          this.watchFrom(client, base, selector, gone ? undefined : last).catch(() =>
            setTimeout(retry, 1000),
          );
        };
        retry();
      },
    );
    // Stopped while this watch was being opened: it must not outlive the bench.
    if (this.stopped) this.abort();
  }

  private record(event: WatchEvent): void {
    const now = performance.now();
    const { metadata } = event.object;
    if (event.type === 'ADDED' || event.type === 'MODIFIED') {
      const key = `${metadata.namespace}/${metadata.name}`;
      if (metadata.name.startsWith('bench-') && !this.seen.has(key)) this.seen.set(key, now);
      const seq = metadata.annotations?.['bench/seq'];
      if (seq !== undefined && !this.seqAt.has(seq)) this.seqAt.set(seq, now);
    }
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
    this.stopped = true;
    this.abort?.();
  }
}
