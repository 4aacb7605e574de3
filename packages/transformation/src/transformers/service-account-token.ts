import {
  type KubeClient,
  type KubeObject,
  ResourceStateValue,
  SECRETS_GVR,
  SERVICE_ACCOUNT_NAME_ANNOTATION,
  stateLabel,
  TmcError,
  TmcErrorType,
} from '@kcp-tmc/interfaces';
import type { UpstreamSecretLister } from '../tokens.js';

function created(secret: KubeObject): number {
  const at = Date.parse(secret.metadata.creationTimestamp ?? '');
  return Number.isNaN(at) ? Number.POSITIVE_INFINITY : at;
}

/**
 * The downstream name of the token Secret pods of `serviceAccount` mount: the oldest upstream Secret of that
 * service account (oldest, so that a second token does not change the template), with `kcp-` in front for the
 * `default` account (`kcp-default-token-*`). Ties keep the lister's order. None: a retryable NotFound, as kcp
 * retries until the token controller has made one.
 */
export function tokenSecretName(
  secrets: readonly KubeObject[],
  serviceAccount: string,
  where: { readonly cluster: string; readonly namespace: string },
): string {
  const ordered = secrets
    .map((secret, index) => ({ secret, index }))
    .sort((a, b) => created(a.secret) - created(b.secret) || a.index - b.index);
  for (const { secret } of ordered) {
    if (secret.metadata.annotations?.[SERVICE_ACCOUNT_NAME_ANNOTATION] !== serviceAccount) continue;
    const name = secret.metadata.name;
    // kcp prefixes any default-account token here, even one the rename (default-token-* only) leaves alone.
    if (name !== undefined) return serviceAccount === 'default' ? `kcp-${name}` : name;
  }
  throw new TmcError({
    type: TmcErrorType.NotFound,
    message: `no token Secret upstream for service account ${where.namespace}/${serviceAccount} in ${where.cluster}`,
    retryable: true,
  });
}

/**
 * An {@link UpstreamSecretLister} that lists the namespace on the upstream server at each call (a Deployment
 * sync costs one list), selecting what the syncer sees: the Secrets in state `Sync` for our SyncTarget (kcp
 * looks in its upstream informer, which holds only those). `byCluster`: address the logical cluster
 * (`/clusters/<name>`, kcp modes); false in plain mode.
 */
export class ClientSecretLister implements UpstreamSecretLister {
  constructor(
    private readonly client: KubeClient,
    private readonly byCluster: boolean,
    private readonly syncTargetKey: string,
  ) {}

  async secretsIn(cluster: string, namespace: string): Promise<readonly KubeObject[]> {
    const list = await this.client.list(
      SECRETS_GVR,
      { namespace, ...(this.byCluster ? { cluster } : {}) },
      { labelSelector: `${stateLabel(this.syncTargetKey)}=${ResourceStateValue.Sync}` },
    );
    return list.items;
  }
}
