import { CLOCK, LOGGER, NOOP_LOGGER, SYSTEM_CLOCK, TUNNEL } from '@kcp-tmc/interfaces';
import type { DependencyContainer } from 'tsyringe';
import { type PodForwarderOptions, PodSubresourceForwarder } from '../agent/forwarder.js';
import {
  KCP_TUNNEL_OPTIONS,
  KCP_TUNNEL_REQUEST_HANDLER,
  POD_FORWARDER_OPTIONS,
  TUNNEL_REQUEST_HANDLER,
} from '../tokens.js';
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
  const { forwarder, ...client } = options;
  container.register(KCP_TUNNEL_OPTIONS, { useValue: client });
  container.register(POD_FORWARDER_OPTIONS, { useValue: forwarder ?? {} });
  if (!container.isRegistered(TUNNEL_REQUEST_HANDLER)) {
    container.register(TUNNEL_REQUEST_HANDLER, { useClass: PodSubresourceForwarder });
  }
  if (!container.isRegistered(KCP_TUNNEL_REQUEST_HANDLER)) {
    container.register(KCP_TUNNEL_REQUEST_HANDLER, { useClass: DownstreamPodRequestHandler });
  }
  if (!container.isRegistered(LOGGER)) container.register(LOGGER, { useValue: NOOP_LOGGER });
  if (!container.isRegistered(CLOCK)) container.register(CLOCK, { useValue: SYSTEM_CLOCK });
  // One tunnel per container: resolving TUNNEL twice must not dial twice.
  let instance: KcpSyncerTunnel | undefined;
  container.register(TUNNEL, {
    useFactory: (c) => {
      instance ??= c.resolve(KcpSyncerTunnel);
      return instance;
    },
  });
  return container;
}
