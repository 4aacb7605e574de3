import { gvr } from '@kcp-tmc/interfaces';
import { DynamicClient } from '../../src/client/dynamic-client.js';
import type { ClusterConnection } from '../../src/config/kubeconfig.js';
import { RestMapper } from '../../src/discovery/rest-mapper.js';
import { Transport } from '../../src/http/transport.js';

/** The API server a test kubeconfig points at; `caCertPem` is trusted when given. */
export interface KubeconfigServer {
  readonly url: string;
  readonly caCertPem?: string;
}

/**
 * A kubeconfig (JSON) for one cluster at `server`, with one user per entry of `users` and a context of the same
 * name for each; `current` names the context in use.
 */
export function usersKubeconfig(
  server: KubeconfigServer,
  users: Record<string, Record<string, unknown>>,
  current: string,
): string {
  const ca =
    server.caCertPem === undefined
      ? {}
      : { 'certificate-authority-data': Buffer.from(server.caCertPem).toString('base64') };
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'server', cluster: { server: server.url, ...ca } }],
    users: Object.entries(users).map(([name, user]) => ({ name, user })),
    contexts: Object.keys(users).map((name) => ({ name, context: { cluster: 'server', user: name } })),
    'current-context': current,
  });
}

const NAMESPACES = gvr('', 'v1', 'namespaces');

/** The namespace names listed through `connection` (no rate limit, no retries); closes the connection after. */
export async function namespaceNames(connection: ClusterConnection): Promise<string[]> {
  try {
    const transport = new Transport(connection, { qps: 0, maxRetries: 0 });
    const list = await new DynamicClient(transport, new RestMapper(transport)).list(NAMESPACES);
    return list.items.map((o) => o.metadata.name as string);
  } finally {
    await connection.close();
  }
}
