import { readFileSync } from 'node:fs';
import { type KubeConfigSource, loadKubeConfig } from '@kcp-tmc/kube';
import { stringify } from 'yaml';
import { ConfigError } from '../config/errors.js';

/** Where the agent reaches the upstream and how it trusts it, taken from the operator's kubeconfig. */
export interface UpstreamServer {
  /** kcp: `scheme://host:port` (the agent addresses logical clusters itself); plain: the server as given. */
  readonly server: string;
  /** Base64 PEM, inlined from `certificate-authority-data` or read from the `certificate-authority` file. */
  readonly caData?: string;
  readonly insecureSkipTlsVerify?: boolean;
}

/**
 * Reads the operator's kubeconfig (its `token-file` and `certificate-authority` files included: a file that
 * cannot be read is an error naming it). Only the server and its CA are kept: the operator's credentials never
 * leave this machine.
 */
export function upstreamServer(source: KubeConfigSource, kcp: boolean): UpstreamServer {
  let cluster: ReturnType<ReturnType<typeof loadKubeConfig>['getCurrentCluster']>;
  try {
    cluster = loadKubeConfig(source).getCurrentCluster();
  } catch (err) {
    throw new ConfigError('--from-kubeconfig', `cannot load the kubeconfig: ${(err as Error).message}`);
  }
  if (cluster === null) throw new ConfigError('--from-kubeconfig', 'the kubeconfig names no current cluster');
  let caData = cluster.caData;
  if (caData === undefined && cluster.caFile !== undefined) {
    try {
      caData = readFileSync(cluster.caFile).toString('base64');
    } catch (err) {
      throw new ConfigError(
        '--from-kubeconfig',
        `cannot read certificate-authority ${cluster.caFile}: ${(err as Error).message}`,
      );
    }
  }
  return {
    server: kcp ? baseUrl(cluster.server) : cluster.server,
    ...(caData === undefined ? {} : { caData }),
    ...(cluster.skipTLSVerify ? { insecureSkipTlsVerify: true } : {}),
  };
}

/** kcp's plugin: the server's scheme and host with an explicit port, no path (sync.go, Run). */
function baseUrl(server: string): string {
  const url = new URL(server);
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  return `${url.protocol}//${url.hostname.includes(':') ? `[${url.hostname}]` : url.hostname}:${port}`;
}

/** The kubeconfig kcp's plugin writes into the syncer's Secret: the ServiceAccount's token, CA inlined. */
export function tokenKubeconfig(server: UpstreamServer, token: string, namespace: string): string {
  const cluster: Record<string, unknown> = {};
  if (server.caData !== undefined) cluster['certificate-authority-data'] = server.caData;
  if (server.insecureSkipTlsVerify) cluster['insecure-skip-tls-verify'] = true;
  cluster.server = server.server;
  return stringify(
    {
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'default-cluster', cluster }],
      contexts: [
        {
          name: 'default-context',
          context: { cluster: 'default-cluster', namespace, user: 'default-user' },
        },
      ],
      'current-context': 'default-context',
      users: [{ name: 'default-user', user: { token } }],
    },
    { lineWidth: 0 },
  );
}
