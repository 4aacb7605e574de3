import type { DependencyContainer } from 'tsyringe';
import type { PodForwarderOptions } from '../agent/forwarder.js';
import { registerTunnelKind } from '../register.js';
import { KCP_TUNNEL_OPTIONS, KCP_TUNNEL_REQUEST_HANDLER } from '../tokens.js';
import { DownstreamPodRequestHandler } from './downstream-pod-handler.js';
import { KcpSyncerTunnel, type KcpTunnelOptions } from './kcp-tunnel-client.js';

export interface RegisterKcpTunnelOptions extends KcpTunnelOptions {
  forwarder?: PodForwarderOptions;
}

/**
 * Binds kcp's syncer tunnel as `TUNNEL`: {@link KcpSyncerTunnel}, answering through
 * {@link DownstreamPodRequestHandler} in front of the pod policy (`TUNNEL_REQUEST_HANDLER`, default
 * {@link PodSubresourceForwarder}). The container must hold `SYNC_TARGET` and `DOWNSTREAM_KUBE_CLIENT`.
 */
export function registerKcpTunnel(
  container: DependencyContainer,
  options: RegisterKcpTunnelOptions,
): DependencyContainer {
  if (!container.isRegistered(KCP_TUNNEL_REQUEST_HANDLER, true)) {
    container.register(KCP_TUNNEL_REQUEST_HANDLER, { useClass: DownstreamPodRequestHandler });
  }
  return registerTunnelKind(container, KCP_TUNNEL_OPTIONS, options, KcpSyncerTunnel);
}
