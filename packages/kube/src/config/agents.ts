// One keep-alive connection pool per API server and scheme, on Node's own HTTP stack (node:http/node:https):
// a second HTTP client (undici, with its llhttp WebAssembly) would cost the agent ~25 MiB before any object.
import type { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { nodeHttp } from '../http/node-http.js';
import type { TlsMaterial } from './credentials.js';

/** TCP keep-alive probes start after this long idle, as client-go's dialer does. */
export const KEEP_ALIVE_PROBE_MS = 30_000;

/**
 * An idle pooled connection is closed after this long (undici's default keep-alive timeout, which the kube
 * client used before): a server closing it first would fail the next request sent on it.
 */
export const IDLE_CONNECTION_MS = 4_000;

/** A connection pool for `protocol` (`http:` or `https:`) with the cluster's TLS settings. */
export function connectionAgent(protocol: string, tls: TlsMaterial): HttpAgent {
  const pool = { keepAlive: true, keepAliveMsecs: KEEP_ALIVE_PROBE_MS, timeout: IDLE_CONNECTION_MS };
  return protocol === 'https:' ? new HttpsAgent({ ...pool, ...tls }) : new nodeHttp.Agent(pool);
}
