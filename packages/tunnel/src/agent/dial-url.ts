/** The tunnel URL a SyncTarget advertises is not one the agent may send its upstream token to. */
export class TunnelUrlRefused extends Error {
  override readonly name = 'TunnelUrlRefused';
}

/**
 * The WebSocket URL to dial for a tunnel URL read from the SyncTarget's status. Whoever can write that status
 * could otherwise point the agent, and its upstream bearer token, anywhere: the tunnel must be on the
 * upstream's own host and port, and since the upstream speaks TLS, over TLS (`https` becomes `wss`; `wss` stays).
 * A cleartext upstream gets no tunnel at all.
 */
export function tunnelDialUrl(advertised: string, upstreamServer: string): string {
  let tunnel: URL;
  try {
    tunnel = new URL(advertised);
  } catch {
    throw new TunnelUrlRefused(`tunnel URL "${advertised}" is not a URL`);
  }
  const upstream = tlsUpstream(upstreamServer);
  if (tunnel.protocol !== 'https:' && tunnel.protocol !== 'wss:') {
    throw new TunnelUrlRefused(
      `tunnel URL scheme "${tunnel.protocol.slice(0, -1)}" refused: only https or wss`,
    );
  }
  if (tunnel.username !== '' || tunnel.password !== '') {
    throw new TunnelUrlRefused('tunnel URL with credentials refused');
  }
  if (tunnel.host !== upstream.host) {
    throw new TunnelUrlRefused(`tunnel host "${tunnel.host}" is not the upstream's "${upstream.host}"`);
  }
  tunnel.protocol = 'wss:';
  return tunnel.href;
}

/** The upstream server's URL, refused unless it is TLS: the tunnel carries the upstream token. */
export function tlsUpstream(upstreamServer: string): URL {
  let upstream: URL;
  try {
    upstream = new URL(upstreamServer);
  } catch {
    throw new TunnelUrlRefused(`upstream server "${upstreamServer}" is not a URL`);
  }
  if (upstream.protocol !== 'https:') {
    throw new TunnelUrlRefused(
      `the upstream ${upstream.origin} is not TLS: the tunnel would carry its token in cleartext`,
    );
  }
  return upstream;
}
