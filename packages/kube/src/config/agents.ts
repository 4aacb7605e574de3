// One keep-alive connection pool per API server and scheme, on Node's own HTTP stack (node:http/node:https/
// node:http2): a second HTTP client (undici, with its llhttp WebAssembly) would cost the agent ~25 MiB before
// any object.
import type { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import type { Duplex } from 'node:stream';
import { createSecureContext } from 'node:tls';
import { Http2Sessions } from '../http/h2-sessions.js';
import { nodeHttp } from '../http/node-http.js';
import type { TlsMaterial } from './credentials.js';

/** TCP keep-alive probes start after this long idle, as client-go's dialer does. */
export const KEEP_ALIVE_PROBE_MS = 30_000;

/**
 * An idle pooled connection is closed after this long. kube-apiserver closes idle connections after 90 s (its
 * http.Server IdleTimeout; kcp v0.11's fork sets none), so ours closes first: a server closing it first would
 * fail the next request sent on it. A server that says less in a `Keep-Alive: timeout=` header (Node servers
 * say 5 s) is believed: node:http's agent then closes a second before it. A short timeout here costs a TLS
 * handshake on both sides each time a burst needs the connection again (undici's 4 s default cost ~100 per
 * minute of the real-server benchmark).
 */
export const IDLE_CONNECTION_MS = 30_000;

/** How long a new connection may take to open, TLS included (undici's connect timeout, used before). */
export const CONNECT_TIMEOUT_MS = 10_000;

/** The code of a connection that did not open in time: the request never left, so any verb may be retried. */
export const CONNECT_TIMEOUT_CODE = 'ECONNECT_TIMEOUT';

/** A connection with open streams is pinged this often, and closed without an answer in 15 s (client-go's). */
export const HTTP2_PING_INTERVAL_MS = 30_000;
export const HTTP2_PING_TIMEOUT_MS = 15_000;

export interface ConnectionPoolOptions {
  connectTimeoutMs?: number;
  /**
   * HTTPS servers that choose HTTP/2 get every request as a stream of one connection. Default: on, unless the
   * environment sets DISABLE_HTTP2, the switch client-go reads.
   */
  http2?: boolean;
}

const http2Pools = new WeakMap<HttpAgent, Http2Sessions>();

/** The HTTP/2 connections that go with a pool of {@link connectionAgent}, if it speaks HTTP/2. */
export function http2SessionsOf(agent: HttpAgent): Http2Sessions | undefined {
  return http2Pools.get(agent);
}

/** The options with their defaults filled in. */
export function poolSettings({
  connectTimeoutMs = CONNECT_TIMEOUT_MS,
  http2 = process.env.DISABLE_HTTP2 === undefined,
}: ConnectionPoolOptions = {}): Required<ConnectionPoolOptions> {
  return { connectTimeoutMs, http2 };
}

/**
 * A connection pool for `origin` (its scheme: `http:` or `https:`) with the cluster's TLS settings: an HTTP/1.1
 * agent and, over HTTPS, the HTTP/2 connections tried first ({@link http2SessionsOf}). Connections share one
 * through {@link leasePool} (shared-pools.ts).
 */
export function connectionAgent(
  origin: URL,
  tls: TlsMaterial,
  poolOptions: ConnectionPoolOptions = {},
): HttpAgent {
  const { connectTimeoutMs, http2 } = poolSettings(poolOptions);
  const pool = { keepAlive: true, keepAliveMsecs: KEEP_ALIVE_PROBE_MS, timeout: IDLE_CONNECTION_MS };
  const secure = origin.protocol === 'https:';
  const options = secure ? tlsOptions(tls) : undefined;
  const agent = options ? new HttpsAgent({ ...pool, ...options }) : new nodeHttp.Agent(pool);
  if (options && http2) {
    const sessions = new Http2Sessions(origin, options, {
      connectTimeoutMs,
      connectTimeoutCode: CONNECT_TIMEOUT_CODE,
      idleTimeoutMs: IDLE_CONNECTION_MS,
      keepAliveMs: KEEP_ALIVE_PROBE_MS,
      pingIntervalMs: HTTP2_PING_INTERVAL_MS,
      pingTimeoutMs: HTTP2_PING_TIMEOUT_MS,
    });
    http2Pools.set(agent, sessions);
    const destroy = agent.destroy.bind(agent);
    agent.destroy = () => {
      sessions.close();
      destroy();
    };
  }
  // Only new connections pass here: requests on pooled ones pay nothing for the connect timeout.
  const create = agent.createConnection.bind(agent) as (...args: unknown[]) => Duplex;
  agent.createConnection = ((...args: unknown[]) => {
    const socket = create(...args);
    limitConnectTime(socket, secure ? 'secureConnect' : 'connect', connectTimeoutMs);
    return socket;
  }) as HttpAgent['createConnection'];
  return agent;
}

/**
 * One TLS context for the pool's connections. Given only `ca`/`cert`/`key`, node:tls builds a context per
 * connection, parsing the key and certificates each time. Measured with 50 open mutual-TLS connections: 128 KiB
 * of RSS per connection with a context each, 96 KiB with one shared. An agent holds one connection per watch.
 */
function tlsOptions({ ca, cert, key, ...perConnection }: TlsMaterial) {
  try {
    return { ...perConnection, secureContext: createSecureContext({ ca, cert, key }) };
  } catch (err) {
    // OpenSSL's own words ("PEM routines::no start line") do not say which setting they are about.
    throw new Error(
      `the kubeconfig's certificate authority, client certificate or key: ${(err as Error).message}`,
      {
        cause: err,
      },
    );
  }
}

function limitConnectTime(socket: Duplex, ready: 'connect' | 'secureConnect', ms: number): void {
  const timer = setTimeout(() => {
    const err = Object.assign(new Error(`connect timed out after ${ms} ms`), {
      name: 'TimeoutError',
      code: CONNECT_TIMEOUT_CODE,
    });
    socket.destroy(err);
  }, ms);
  const clear = (): void => clearTimeout(timer);
  socket.once(ready, clear);
  socket.once('close', clear);
}
