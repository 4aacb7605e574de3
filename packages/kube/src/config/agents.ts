// One keep-alive connection pool per API server and scheme, on Node's own HTTP stack (node:http/node:https):
// a second HTTP client (undici, with its llhttp WebAssembly) would cost the agent ~25 MiB before any object.
import type { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import type { Duplex } from 'node:stream';
import { createSecureContext } from 'node:tls';
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

/** A connection pool for `protocol` (`http:` or `https:`) with the cluster's TLS settings. */
export function connectionAgent(
  protocol: string,
  tls: TlsMaterial,
  connectTimeoutMs = CONNECT_TIMEOUT_MS,
): HttpAgent {
  const pool = { keepAlive: true, keepAliveMsecs: KEEP_ALIVE_PROBE_MS, timeout: IDLE_CONNECTION_MS };
  const secure = protocol === 'https:';
  const agent = secure ? new HttpsAgent({ ...pool, ...tlsOptions(tls) }) : new nodeHttp.Agent(pool);
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
