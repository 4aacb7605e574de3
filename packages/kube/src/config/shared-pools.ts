// One connection pool per API server and TLS settings in the process, as client-go keeps one transport per TLS
// config. The agent reaches kcp through three base URLs (its workspace, the syncer's and the upsyncer's virtual
// workspaces) and the downstream through two clients (the workers' and the side one): over HTTP/2, one TCP
// connection to each server carries all of them.
import { createHash } from 'node:crypto';
import type { Agent } from 'node:http';
import { type ConnectionPoolOptions, connectionAgent, poolSettings } from './agents.js';
import type { TlsMaterial } from './credentials.js';

/** One user's hold on a shared pool. `release` (once is enough) closes the pool when no user is left. */
export interface PoolLease {
  readonly agent: Agent;
  release(): void;
}

interface SharedPool {
  readonly agent: Agent;
  users: number;
}

const pools = new Map<string, SharedPool>();

/** The pool for `origin` with these TLS settings, shared with every other lease of the same ones. */
export function leasePool(origin: URL, tls: TlsMaterial, options: ConnectionPoolOptions = {}): PoolLease {
  const settings = poolSettings(options);
  const key = poolKey(origin, tls, settings);
  let pool = pools.get(key);
  if (pool === undefined) {
    pool = { agent: connectionAgent(origin, tls, settings), users: 0 };
    pools.set(key, pool);
  }
  pool.users++;
  const held = pool;
  let released = false;
  return {
    agent: held.agent,
    release: () => {
      if (released) return;
      released = true;
      held.users--;
      if (held.users > 0) return;
      if (pools.get(key) === held) pools.delete(key);
      held.agent.destroy();
    },
  };
}

/** The origin, the settings, and a digest of the certificates and key (the map keeps no key material). */
function poolKey(origin: URL, tls: TlsMaterial, settings: Required<ConnectionPoolOptions>): string {
  const digest = createHash('sha256');
  for (const part of [tls.ca, tls.cert, tls.key]) {
    // Length-prefixed, so that no split of the same bytes between the parts collides.
    digest.update(part === undefined ? '-' : `${part.length}:`);
    if (part !== undefined) digest.update(part);
  }
  const verify = tls.rejectUnauthorized === false ? 'insecure' : 'verify';
  const { connectTimeoutMs, http2 } = settings;
  return [origin.origin, verify, tls.servername ?? '', connectTimeoutMs, http2, digest.digest('hex')].join(
    ' ',
  );
}
