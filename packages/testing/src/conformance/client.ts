import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import { KubeConfig } from '@kubernetes/client-node';
import { type Dispatcher, fetch } from 'undici';

// Raw HTTP through @kubernetes/client-node's KubeConfig authentication (token, client certs, CA), with
// undici's fetch (the same fetch and dispatcher client-node's own Watch uses). Objects stay raw JSON.

export interface RawResponse {
  status: number;
  headers: Headers;
  text: string;
  /** Parsed JSON body, or undefined when the body is not JSON. */
  // biome-ignore lint/suspicious/noExplicitAny: raw JSON read by assertions
  json: any;
}

export type Query = Record<string, string | number | boolean | undefined>;

export interface RequestOptions {
  body?: unknown;
  /** Raw body text (sent as is). */
  rawBody?: string | Buffer | undefined;
  contentType?: string | undefined;
  query?: Query | undefined;
  signal?: AbortSignal | undefined;
}

export interface WatchEvent {
  type: string;
  // biome-ignore lint/suspicious/noExplicitAny: raw JSON read by assertions
  object: any;
}

/** A watch stream: events as they arrive, and whether/why the stream ended. */
export interface WatchStream {
  events: WatchEvent[];
  ended: boolean;
  /** Resolves when the server ends the stream. */
  done: Promise<void>;
  abort(): void;
  /** Waits until an event satisfying `pred` has arrived (or the deadline passes). */
  waitFor(pred: (e: WatchEvent) => boolean, timeoutMs?: number): Promise<WatchEvent>;
}

export class RawClient {
  readonly kc: KubeConfig;
  readonly server: string;

  constructor(kubeconfig: string | KubeConfig) {
    if (typeof kubeconfig === 'string') {
      this.kc = new KubeConfig();
      this.kc.loadFromString(kubeconfig);
    } else {
      this.kc = kubeconfig;
    }
    const cluster = this.kc.getCurrentCluster();
    if (!cluster) throw new Error('kubeconfig has no current cluster');
    this.server = cluster.server.replace(/\/$/, '');
  }

  /** The server URL without a kcp `/clusters/<name>` suffix. */
  get baseServer(): string {
    return this.server.replace(/\/clusters\/[^/]+$/, '');
  }

  private async auth(
    url: string,
  ): Promise<{ headers: Record<string, string>; dispatcher: Dispatcher | undefined }> {
    // client-node 2.x: RequestContext + applySecurityAuthentication, as its Watch does.
    const { RequestContext, HttpMethod } = await import('@kubernetes/client-node');
    const ctx = new RequestContext(url, HttpMethod.GET);
    await this.kc.applySecurityAuthentication(ctx);
    return { headers: ctx.getHeaders(), dispatcher: ctx.getDispatcher() as Dispatcher | undefined };
  }

  url(path: string, query?: RequestOptions['query'], base = this.server): string {
    const u = new URL(base + path);
    for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined) u.searchParams.set(k, String(v));
    return u.toString();
  }

  async request(
    method: string,
    path: string,
    opts: RequestOptions = {},
    base?: string,
  ): Promise<RawResponse> {
    const url = this.url(path, opts.query, base);
    const { headers, dispatcher } = await this.auth(url);
    let body: string | Buffer | undefined;
    if (opts.rawBody !== undefined) body = opts.rawBody;
    else if (opts.body !== undefined) body = JSON.stringify(opts.body);
    if (body !== undefined) headers['content-type'] = opts.contentType ?? 'application/json';
    headers.accept = 'application/json';
    const res = await fetch(url, {
      method,
      headers,
      ...(body !== undefined ? { body } : {}),
      ...(dispatcher ? { dispatcher } : {}),
      ...(opts.signal ? { signal: opts.signal } : {}),
    });
    const text = await res.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: res.status, headers: res.headers as unknown as Headers, text, json };
  }

  get(path: string, query?: RequestOptions['query']) {
    return this.request('GET', path, { query });
  }

  post(path: string, body: unknown, query?: RequestOptions['query']) {
    return this.request('POST', path, { body, query });
  }

  put(path: string, body: unknown, query?: RequestOptions['query']) {
    return this.request('PUT', path, { body, query });
  }

  patch(path: string, contentType: string, body: unknown, query?: RequestOptions['query']) {
    return this.request('PATCH', path, {
      rawBody: typeof body === 'string' ? body : JSON.stringify(body),
      contentType,
      query,
    });
  }

  delete(path: string, query?: RequestOptions['query'], body?: unknown) {
    return this.request('DELETE', path, { query, body });
  }

  /** Opens a watch (`watch=1` is added) and collects its events. */
  async watch(path: string, query: RequestOptions['query'] = {}, base?: string): Promise<WatchStream> {
    const url = this.url(path, { ...query, watch: 1 }, base);
    const { headers, dispatcher } = await this.auth(url);
    const controller = new AbortController();
    const res = await fetch(url, {
      headers,
      signal: controller.signal,
      ...(dispatcher ? { dispatcher } : {}),
    });
    if (res.status !== 200 || !res.body) {
      const text = await res.text();
      throw Object.assign(new Error(`watch ${path}: HTTP ${res.status}: ${text}`), {
        status: res.status,
        body: text,
      });
    }
    const events: WatchEvent[] = [];
    const waiters = new Set<() => void>();
    const stream: WatchStream = {
      events,
      ended: false,
      done: Promise.resolve(),
      abort: () => controller.abort(),
      waitFor(pred, timeoutMs = 10_000) {
        return new Promise((resolve, reject) => {
          const check = () => {
            const hit = events.find(pred);
            if (hit) {
              cleanup();
              resolve(hit);
            } else if (stream.ended) {
              cleanup();
              reject(
                new Error(`watch ended without a matching event; got ${events.map((e) => e.type).join(',')}`),
              );
            }
          };
          const timer = setTimeout(() => {
            cleanup();
            reject(
              new Error(
                `no matching watch event within ${timeoutMs} ms; got ${events.map((e) => `${e.type}:${e.object?.metadata?.name}`).join(',')}`,
              ),
            );
          }, timeoutMs);
          const cleanup = () => {
            clearTimeout(timer);
            waiters.delete(check);
          };
          waiters.add(check);
          check();
        });
      },
    };
    const body = Readable.fromWeb(res.body as import('node:stream/web').ReadableStream);
    const lines = createInterface({ input: body });
    stream.done = new Promise<void>((resolve) => {
      const finish = () => {
        stream.ended = true;
        for (const w of [...waiters]) w();
        resolve();
      };
      lines.on('line', (line) => {
        if (!line.trim()) return;
        events.push(JSON.parse(line) as WatchEvent);
        for (const w of [...waiters]) w();
      });
      lines.on('close', finish);
      lines.on('error', finish);
      body.on('error', finish);
    });
    return stream;
  }
}

/** Polls until `fn` returns a truthy value (or stops throwing), with a deadline. */
export async function eventually<T>(
  fn: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs = 15_000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  let delay = 20;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v as T;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${what}${lastError ? `: ${String(lastError)}` : ''}`,
      );
    }
    await new Promise((r) => setTimeout(r, delay));
    delay = Math.min(delay * 2, 250);
  }
}
