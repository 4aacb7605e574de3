import { kcpSyncerTunnelUrl, registerKcpTunnel, TunnelUrlRefused } from '@kcp-tmc/tunnel';
import { tunnelProtocolOf } from '../config/tunnel-flags.js';
import type { AgentModule } from './modules.js';
import { podPolicy } from './tunnel.js';

/**
 * kcp's syncer tunnel (`--tunnel=kcp`, the default in kcp modes), with the Tunnel (`KCPSyncerTunnel`) gate:
 * dials `/clusters/<SyncTarget's cluster>/apis/workload.kcp.io/v1alpha1/synctargets/<name>/tunnel` on the
 * upstream's own host over TLS, with the upstream kubeconfig's CA, client certificate and token, as kcp's syncer
 * does; answers pod logs, and exec, attach and port-forward only with `--tunnel-exec`, for pods in namespaces
 * this agent owns.
 */
export const kcpTunnelModule: AgentModule = {
  name: 'kcp-tunnel',
  register(
    container,
    { options, ref, upstreamToken, upstreamServer, upstreamTls, downstreamKubeConfig, logger },
  ) {
    if (!options.featureGates.Tunnel || tunnelProtocolOf(options) !== 'kcp') return;
    if (upstreamToken === undefined || upstreamServer === undefined) {
      logger.warn(
        'Tunnel gate is on but the upstream kubeconfig has no server or token: kcp tunnel disabled',
      );
      return;
    }
    let url: string;
    try {
      url = kcpSyncerTunnelUrl(upstreamServer, ref.cluster, ref.name);
    } catch (err) {
      if (!(err instanceof TunnelUrlRefused)) throw err;
      logger.error('kcp tunnel disabled: the agent refuses to dial it', { reason: err.message });
      return;
    }
    registerKcpTunnel(container, {
      url,
      token: upstreamToken,
      ...(upstreamTls === undefined ? {} : { tls: { ...upstreamTls } }),
      forwarder: podPolicy(options.tunnelExec, downstreamKubeConfig),
    });
  },
};
