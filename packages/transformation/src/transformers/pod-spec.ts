import { isRecord, type KubeObject, type ResourceTransformer, type SyncContext } from '@kcp-tmc/interfaces';
import { inject, injectable } from 'tsyringe';
import { isDeployments } from '../gvrs.js';
import { DefaultTransformerNames } from '../names.js';
import {
  UPSTREAM_SECRET_LISTER,
  UPSTREAM_SERVER_URL,
  type UpstreamSecretLister,
  WORKSPACE_NAMESERVER_PROVIDER,
  type WorkspaceNameserverProvider,
} from '../tokens.js';
import {
  desiredServiceAccount,
  hostAndPort,
  type KcpApiAccess,
  mutatePodSpec,
  setWorkspaceDns,
} from './pod-template.js';
import { tokenSecretName } from './service-account-token.js';

/**
 * kcp's Deployment mutator (pkg/syncer/spec/mutators/deployment.go), the only pod template kcp v0.11 rewrites:
 * see {@link mutatePodSpec}. The token Secret is looked up among the upstream Secrets of the Deployment's
 * namespace ({@link UPSTREAM_SECRET_LISTER}), the host and port come from {@link UPSTREAM_SERVER_URL}; with
 * either missing, the kcp-api-access parts are left out. With a {@link WORKSPACE_NAMESERVER_PROVIDER}, pods
 * resolve through the workspace's nameserver as kcp's do.
 */
@injectable()
export class PodSpecTransformer implements ResourceTransformer {
  readonly name = DefaultTransformerNames.PodSpec;

  constructor(
    // Optional: plain mode has no kcp server to point pods at: the kcp-api-access parts are left out.
    @inject(UPSTREAM_SERVER_URL, { isOptional: true }) private readonly upstreamUrl?: string,
    // Optional: likewise without the upstream service-account token secrets.
    @inject(UPSTREAM_SECRET_LISTER, { isOptional: true }) private readonly secrets?: UpstreamSecretLister,
    // Optional: bound only with kcp's per-workspace DNS (--dns-image).
    @inject(WORKSPACE_NAMESERVER_PROVIDER, { isOptional: true })
    private readonly nameservers?: WorkspaceNameserverProvider,
  ) {}

  shouldTransform(_object: KubeObject, context: SyncContext): boolean {
    return context.direction === 'down' && isDeployments(context.gvr);
  }

  async transform(object: KubeObject, context: SyncContext): Promise<KubeObject> {
    const template = isRecord(object.spec) ? object.spec.template : undefined;
    if (!isRecord(template) || !isRecord(template.spec)) return object;
    const spec = template.spec;
    const namespace = object.metadata.namespace || context.key.namespace;
    const access = await this.apiAccess(spec, context, namespace);
    mutatePodSpec(spec, namespace, access);
    if (this.nameservers !== undefined) {
      setWorkspaceDns(spec, namespace, await this.nameservers.nameserverFor(context));
    }
    return object;
  }

  private async apiAccess(
    spec: Record<string, unknown>,
    context: SyncContext,
    namespace: string,
  ): Promise<KcpApiAccess | undefined> {
    if (this.upstreamUrl === undefined || this.secrets === undefined) return undefined;
    const secrets = await this.secrets.secretsIn(context.cluster, namespace);
    const tokenSecret = tokenSecretName(secrets, desiredServiceAccount(spec), {
      cluster: context.cluster,
      namespace,
    });
    return { ...hostAndPort(this.upstreamUrl), tokenSecret };
  }
}
