import { type UpstreamMode } from '@kcp-tmc/interfaces';
import type { FlagSpec } from './flags.js';
import type { SettingReader } from './settings.js';
import { goBoolean, oneOf } from './values.js';

/** Which reverse tunnel the agent dials with the Tunnel gate on. */
export type TunnelProtocol = 'kcp' | 'websocket';
export const TUNNEL_PROTOCOLS: readonly TunnelProtocol[] = ['kcp', 'websocket'];

/** The tunnel's flags. */
export const TUNNEL_FLAGS: readonly FlagSpec[] = [
  {
    name: 'tunnel',
    type: 'string',
    placeholder: 'protocol',
    choices: TUNNEL_PROTOCOLS,
    description:
      "With the Tunnel gate: kcp (kcp's SyncTarget tunnel subresource, default in kcp modes) or websocket (the tunnel URL the SyncTarget advertises, default in plain mode).",
  },
  {
    name: 'tunnel-exec',
    type: 'boolean',
    description:
      'With the Tunnel gate: forward pods/exec, attach and portforward through the tunnel (default: pod logs only).',
  },
];

/**
 * `--tunnel` and `--tunnel-exec`. The default follows the upstream: kcp v0.11 with `KCPSyncerTunnel` serves only
 * its own tunnel subresource and never advertises a WebSocket tunnel URL, so in kcp modes the kcp tunnel is the
 * one that works; a plain Kubernetes upstream has no SyncTarget subresource to dial, only our tunnel server.
 */
export function tunnelOptions(
  settings: SettingReader,
  upstreamMode: UpstreamMode,
): { tunnel: TunnelProtocol; tunnelExec?: boolean } {
  const tunnel = tunnelProtocolOf({
    upstreamMode,
    tunnel: settings.optional('tunnel', oneOf(TUNNEL_PROTOCOLS)),
  });
  const exec = settings.optional('tunnel-exec', goBoolean);
  return { tunnel, ...(exec === undefined ? {} : { tunnelExec: exec }) };
}

/** The tunnel options ask for, or the upstream mode's default. */
export function tunnelProtocolOf(options: {
  upstreamMode: UpstreamMode;
  tunnel?: TunnelProtocol | undefined;
}): TunnelProtocol {
  return options.tunnel ?? (options.upstreamMode === 'plain' ? 'websocket' : 'kcp');
}
