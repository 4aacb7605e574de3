import { registerTunnel, tunnelDialUrl } from '@kcp-tmc/tunnel';
import type { AgentModule } from './modules.js';
import { tunnelModuleOf } from './tunnel-module.js';

/**
 * Our WebSocket reverse tunnel (`--tunnel=websocket`), when the Tunnel gate is on and the upstream published a
 * tunnel workspace for the SyncTarget. It dials only the upstream's own host over TLS, trusting the upstream kubeconfig's CA and presenting its client
 * certificate; it forwards pod logs, and exec, attach and port-forward only with `--tunnel-exec`.
 */
export const tunnelModule: AgentModule = tunnelModuleOf({
  name: 'tunnel',
  protocol: 'websocket',
  missing: 'Tunnel gate is on but the SyncTarget has no tunnel workspace or no token: tunnel disabled',
  url: ({ syncTarget }, upstreamServer) => {
    const advertised = syncTarget.status?.tunnelWorkspaces?.[0]?.url;
    return advertised === undefined ? undefined : tunnelDialUrl(advertised, upstreamServer);
  },
  refused: ({ syncTarget, logger }, err) =>
    logger.error('tunnel disabled: the SyncTarget advertises a tunnel URL the agent refuses', {
      url: syncTarget.status?.tunnelWorkspaces?.[0]?.url,
      reason: err.message,
    }),
  register: (container, { tls, ...dial }) =>
    registerTunnel(container, { ...dial, ...(tls === undefined ? {} : { websocket: { ...tls } }) }),
});
