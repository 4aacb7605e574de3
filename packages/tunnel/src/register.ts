import {
  CLOCK,
  type HealthCheck,
  type HealthEndpoint,
  LOGGER,
  NOOP_LOGGER,
  SYSTEM_CLOCK,
  TUNNEL,
  type Tunnel,
} from '@kcp-tmc/interfaces';
import { type DependencyContainer, type InjectionToken, instanceCachingFactory } from 'tsyringe';
import { type PodForwarderOptions, PodSubresourceForwarder } from './agent/forwarder.js';
import { TunnelClient, type TunnelClientOptions } from './agent/tunnel-client.js';
import { POD_FORWARDER_OPTIONS, TUNNEL_CLIENT_OPTIONS, TUNNEL_REQUEST_HANDLER } from './tokens.js';

export interface RegisterTunnelOptions extends TunnelClientOptions {
  forwarder?: PodForwarderOptions;
}

/**
 * Binds the agent side: `TUNNEL` → {@link TunnelClient}, `TUNNEL_REQUEST_HANDLER` → {@link PodSubresourceForwarder},
 * and both option tokens. The container must hold `SYNC_TARGET` and `DOWNSTREAM_KUBE_CLIENT`; `LOGGER` and
 * `CLOCK` get no-op / system defaults only when nothing is registered for them yet. Replace the request policy by
 * registering another class for `TUNNEL_REQUEST_HANDLER` after this call.
 */
export function registerTunnel(
  container: DependencyContainer,
  options: RegisterTunnelOptions,
): DependencyContainer {
  return registerTunnelKind(container, TUNNEL_CLIENT_OPTIONS, options, TunnelClient);
}

/**
 * Binds one kind of tunnel: its client options (all but `forwarder`) under `optionsToken`, the pod policy with
 * the forwarder's options, and `TUNNEL` to one instance of `tunnel` per container.
 */
export function registerTunnelKind(
  container: DependencyContainer,
  optionsToken: symbol,
  options: { forwarder?: PodForwarderOptions },
  tunnel: InjectionToken<Tunnel>,
): DependencyContainer {
  const { forwarder, ...client } = options;
  container.register(optionsToken, { useValue: client });
  registerPodPolicy(container, forwarder);
  registerTunnelOnce(container, tunnel);
  return container;
}

/**
 * The pod policy both tunnels answer through: `TUNNEL_REQUEST_HANDLER` (default {@link PodSubresourceForwarder})
 * with its options, and no-op / system `LOGGER` and `CLOCK` when nothing is registered for them yet.
 */
function registerPodPolicy(container: DependencyContainer, forwarder: PodForwarderOptions = {}): void {
  container.register(POD_FORWARDER_OPTIONS, { useValue: forwarder });
  // Recursive checks: a policy, logger or clock the parent container binds is kept, not hidden.
  if (!container.isRegistered(TUNNEL_REQUEST_HANDLER, true)) {
    container.register(TUNNEL_REQUEST_HANDLER, { useClass: PodSubresourceForwarder });
  }
  if (!container.isRegistered(LOGGER, true)) container.register(LOGGER, { useValue: NOOP_LOGGER });
  if (!container.isRegistered(CLOCK, true)) container.register(CLOCK, { useValue: SYSTEM_CLOCK });
}

/** Binds `TUNNEL` to one instance of `tunnel` per container: resolving TUNNEL twice must not dial twice. */
function registerTunnelOnce(container: DependencyContainer, tunnel: InjectionToken<Tunnel>): void {
  container.register(TUNNEL, { useFactory: instanceCachingFactory((c) => c.resolve(tunnel)) });
}

/** A health check that is healthy while the tunnel is connected (default endpoint: readyz). */
export function tunnelHealthCheck(
  tunnel: Tunnel,
  options: { name?: string; endpoints?: readonly HealthEndpoint[] } = {},
): HealthCheck {
  return {
    name: options.name ?? 'tunnel',
    endpoints: options.endpoints ?? ['readyz'],
    check: () =>
      tunnel.state === 'connected'
        ? { healthy: true }
        : { healthy: false, message: `tunnel is ${tunnel.state}` },
  };
}
