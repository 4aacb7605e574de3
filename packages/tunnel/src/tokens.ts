/**
 * Tokens of this package's own configuration and policy. The shared contracts (`TUNNEL`, `SYNC_TARGET`,
 * `DOWNSTREAM_KUBE_CLIENT`, `LOGGER`, `CLOCK`) come from @kcp-tmc/interfaces; these name tunnel-only types, so
 * they live beside them. `Symbol.for` keeps them equal across copies of the package.
 */

/** {@link TunnelClientOptions} */
export const TUNNEL_CLIENT_OPTIONS: unique symbol = Symbol.for('@kcp-tmc/tunnel/TunnelClientOptions');
/** {@link PodForwarderOptions} */
export const POD_FORWARDER_OPTIONS: unique symbol = Symbol.for('@kcp-tmc/tunnel/PodForwarderOptions');
/** {@link TunnelRequestHandler}: what the agent does with a tunneled request (default: the pod forwarder). */
export const TUNNEL_REQUEST_HANDLER: unique symbol = Symbol.for('@kcp-tmc/tunnel/TunnelRequestHandler');
/** {@link KcpTunnelOptions} */
export const KCP_TUNNEL_OPTIONS: unique symbol = Symbol.for('@kcp-tmc/tunnel/KcpTunnelOptions');
/** What answers the requests kcp's tunnel proxies (default: the downstream-addressed pod handler). */
export const KCP_TUNNEL_REQUEST_HANDLER: unique symbol = Symbol.for(
  '@kcp-tmc/tunnel/KcpTunnelRequestHandler',
);
