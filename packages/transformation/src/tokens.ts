import type { KubeObject, SyncContext } from '@kcp-tmc/interfaces';

/**
 * The upstream server's base URL as the syncer was given it (kcp: the `--from-kubeconfig` server, e.g.
 * `https://kcp.example:6443`): pods reach kcp there, through `KUBERNETES_SERVICE_HOST`/`_PORT` (a string).
 */
export const UPSTREAM_SERVER_URL: unique symbol = Symbol.for('@kcp-tmc/transformation/UpstreamServerUrl');

/** The upstream Secrets of one namespace of one logical cluster, as the syncer sees them. */
export interface UpstreamSecretLister {
  secretsIn(cluster: string, namespace: string): Promise<readonly KubeObject[]> | readonly KubeObject[];
}
/** {@link UpstreamSecretLister}: where the pod-template mutation finds the service-account token to mount. */
export const UPSTREAM_SECRET_LISTER: unique symbol = Symbol.for(
  '@kcp-tmc/transformation/UpstreamSecretLister',
);

/**
 * The nameserver pods of a workspace resolve with (kcp: the ClusterIP of the per-workspace DNS Service). A
 * provider that has none yet throws a retryable error, as kcp holds a Deployment back until its DNS is ready.
 */
export interface WorkspaceNameserverProvider {
  nameserverFor(context: SyncContext): Promise<string> | string;
}
/** {@link WorkspaceNameserverProvider}; while none is registered, pod DNS settings are left as they are. */
export const WORKSPACE_NAMESERVER_PROVIDER: unique symbol = Symbol.for(
  '@kcp-tmc/transformation/WorkspaceNameserverProvider',
);
