import type { RequestOptions } from 'node:https';
import type { LoadedKubeConfig as KubeConfig } from '@kcp-tmc/kube';
import {
  EXEC_SUBRESOURCES,
  LOG_SUBRESOURCES,
  type PodForwarderOptions,
  registerTunnel,
  TunnelUrlRefused,
  tunnelDialUrl,
  WebSocketUpgrader,
} from '@kcp-tmc/tunnel';
import { tunnelProtocolOf } from '../config/tunnel-flags.js';
import type { AgentModule } from './modules.js';

/** TLS settings from a kubeconfig (CA, client certificate and key); credentials in headers are left out. */
export type TlsOptions = Pick<RequestOptions, 'ca' | 'cert' | 'key' | 'rejectUnauthorized'>;

export async function tlsOptionsOf(kubeConfig: KubeConfig): Promise<TlsOptions> {
  const applied: RequestOptions = {};
  await kubeConfig.applyToHTTPSOptions(applied);
  const { ca, cert, key, rejectUnauthorized } = applied;
  return {
    ...(ca === undefined ? {} : { ca }),
    ...(cert === undefined ? {} : { cert }),
    ...(key === undefined ? {} : { key }),
    ...(rejectUnauthorized === undefined ? {} : { rejectUnauthorized }),
  };
}

/**
 * Our WebSocket reverse tunnel (`--tunnel=websocket`), when the Tunnel gate is on and the upstream published a
 * tunnel workspace for the SyncTarget. It dials only the upstream's own host over TLS, trusting the upstream kubeconfig's CA and presenting its client
 * certificate; it forwards pod logs, and exec, attach and port-forward only with `--tunnel-exec`.
 */
export const tunnelModule: AgentModule = {
  name: 'tunnel',
  register(
    container,
    { options, syncTarget, upstreamToken, upstreamServer, upstreamTls, downstreamKubeConfig, logger },
  ) {
    if (!options.featureGates.Tunnel || tunnelProtocolOf(options) !== 'websocket') return;
    const advertised = syncTarget.status?.tunnelWorkspaces?.[0]?.url;
    if (advertised === undefined || upstreamToken === undefined || upstreamServer === undefined) {
      logger.warn(
        'Tunnel gate is on but the SyncTarget has no tunnel workspace or no token: tunnel disabled',
      );
      return;
    }
    let url: string;
    try {
      url = tunnelDialUrl(advertised, upstreamServer);
    } catch (err) {
      if (!(err instanceof TunnelUrlRefused)) throw err;
      // The token is never sent: no client is made.
      logger.error('tunnel disabled: the SyncTarget advertises a tunnel URL the agent refuses', {
        url: advertised,
        reason: err.message,
      });
      return;
    }
    registerTunnel(container, {
      url,
      token: upstreamToken,
      ...(upstreamTls === undefined ? {} : { websocket: { ...upstreamTls } }),
      forwarder: podPolicy(options.tunnelExec, downstreamKubeConfig),
    });
  },
};

/** Pod logs; exec, attach and port-forward too with `--tunnel-exec`, relayed with the downstream's credentials. */
export function podPolicy(
  tunnelExec: boolean | undefined,
  downstream: KubeConfig | undefined,
): PodForwarderOptions {
  if (tunnelExec !== true || downstream === undefined) return { subresources: LOG_SUBRESOURCES };
  return {
    subresources: [...LOG_SUBRESOURCES, ...EXEC_SUBRESOURCES],
    upgrader: downstreamUpgrader(downstream),
  };
}

function downstreamUpgrader(kubeConfig: KubeConfig): WebSocketUpgrader {
  const server = kubeConfig.getCurrentCluster()?.server ?? '';
  return new WebSocketUpgrader({
    server,
    options: async () => {
      const options = {};
      await kubeConfig.applyToHTTPSOptions(options);
      return options;
    },
  });
}
