import {
  DOWNSTREAM_KUBE_CLIENT,
  type KubeClient,
  SYNC_TARGET,
  type SyncTargetRef,
} from '@kcp-tmc/interfaces';
import { inject, injectable } from 'tsyringe';
import type { TunnelRequest, TunnelRequestHandler, TunnelResponse } from '../agent/handler.js';
import { statusResponse } from '../agent/handler.js';
import { listOwnedNamespaces, type OwnedNamespace } from '../agent/owned-namespaces.js';
import { parsePodSubresourcePath } from '../agent/pod-path.js';
import { TUNNEL_REQUEST_HANDLER } from '../tokens.js';

/**
 * kcp's pod-subresource proxy addresses the downstream namespace it computed from the upstream pod
 * (`/api/v1/namespaces/kcp-…/pods/<pod>/<subresource>`; kcp: pkg/tunneler/podsubresourceproxy_handler.go).
 * This handler accepts only a namespace this agent owns (our SyncTarget key label, a locator naming this
 * SyncTarget by cluster, name and uid), re-addresses the request upstream (`/clusters/<cluster>/…/<upstream
 * namespace>/…`) and hands it to the agent's pod policy (method, subresource allow-list, upgrades), which maps it
 * back. A namespace of another SyncTarget, or none, is refused before anything is sent downstream.
 */
@injectable()
export class DownstreamPodRequestHandler implements TunnelRequestHandler {
  constructor(
    @inject(DOWNSTREAM_KUBE_CLIENT) private readonly downstream: KubeClient,
    @inject(SYNC_TARGET) private readonly syncTarget: SyncTargetRef,
    @inject(TUNNEL_REQUEST_HANDLER) private readonly policy: TunnelRequestHandler,
  ) {}

  async handle(request: TunnelRequest): Promise<TunnelResponse> {
    const parsed = parsePodSubresourcePath(request.path);
    if (parsed === undefined || parsed.cluster !== undefined) {
      return statusResponse(403, 'Forbidden', 'only pod subresources are forwarded');
    }
    let upstream: OwnedNamespace | undefined;
    try {
      upstream = await this.upstreamOf(parsed.namespace);
    } catch (err) {
      return statusResponse(
        503,
        'ServiceUnavailable',
        `downstream namespaces unavailable: ${(err as Error).message}`,
      );
    }
    if (upstream === undefined) {
      return statusResponse(
        403,
        'Forbidden',
        `namespace "${parsed.namespace}" is not synced by SyncTarget "${this.syncTarget.name}"`,
        { name: parsed.name, kind: 'pods' },
      );
    }
    const path =
      `/clusters/${upstream.cluster}/api/v1/namespaces/${upstream.namespace}/pods/` +
      `${encodeURIComponent(parsed.name)}/${parsed.subresource}${parsed.rest}${parsed.search}`;
    return this.policy.handle({ ...request, path });
  }

  /** The upstream cluster and namespace of a downstream namespace this agent owns, else undefined. */
  private async upstreamOf(name: string): Promise<OwnedNamespace | undefined> {
    const owned = await listOwnedNamespaces(this.downstream, this.syncTarget);
    return owned.find((namespace) => namespace.name === name);
  }
}
