// tsyringe throws at import without the Reflect metadata API: load it before any module that imports tsyringe,
// so a plain `import '@kcp-tmc/tunnel'` works (sideEffects in package.json names this file).
import 'reflect-metadata';

export { TunnelUrlRefused, tunnelDialUrl } from './agent/dial-url.js';
export {
  EXEC_SUBRESOURCES,
  LOG_SUBRESOURCES,
  type PodForwarderOptions,
  PodSubresourceForwarder,
} from './agent/forwarder.js';
export {
  statusResponse,
  type TunnelRequest,
  type TunnelRequestHandler,
  type TunnelResponse,
} from './agent/handler.js';
export { downstreamPodPath, type PodSubresourcePath, parsePodSubresourcePath } from './agent/pod-path.js';
export { serveStream } from './agent/serve-stream.js';
export {
  DEFAULT_HANDSHAKE_TIMEOUT_MS,
  DEFAULT_PING_INTERVAL_MS,
  DEFAULT_READ_DEADLINE_MS,
  TunnelClient,
  type TunnelClientOptions,
  type TunnelClientStats,
} from './agent/tunnel-client.js';
export { DEFAULT_RECONNECT_BACKOFF } from './agent/tunnel-client-options.js';
export {
  type DownstreamUpgrade,
  type DownstreamUpgrader,
  WebSocketUpgrader,
  type WebSocketUpgraderOptions,
} from './agent/upgrader.js';
export { type ControlMessage, encodeControlMessage, readControlMessages } from './kcp/control-message.js';
export { DownstreamPodRequestHandler } from './kcp/downstream-pod-handler.js';
export { KcpSyncerTunnel, type KcpTunnelOptions } from './kcp/kcp-tunnel-client.js';
export { type RegisterKcpTunnelOptions, registerKcpTunnel } from './kcp/register-kcp-tunnel.js';
export { kcpSyncerTunnelUrl, SYNCER_TUNNEL_SUBRESOURCE } from './kcp/syncer-tunnel-url.js';
export * from './protocol/frames.js';
export { SYNC_TARGET_HEADER, syncTargetHeaderValue, TUNNEL_SUBPROTOCOL } from './protocol/handshake.js';
export { DEFAULT_MAX_FRAME_SIZE, type MuxOptions, MuxSession } from './protocol/mux.js';
export { INITIAL_STREAM_WINDOW, MuxStream, type StreamHost, StreamResetError } from './protocol/stream.js';
export { type RegisterTunnelOptions, registerTunnel, tunnelHealthCheck } from './register.js';
export {
  createTunnelHttpHandler,
  parseSyncerPath,
  type TunnelHttpHandlerOptions,
} from './server/http-handler.js';
export {
  type TunnelAuthenticator,
  type TunneledResponse,
  type TunnelSendRequest,
  TunnelServer,
  type TunnelServerOptions,
} from './server/tunnel-server.js';
export * from './tokens.js';
