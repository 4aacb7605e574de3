import { kcpSyncerTunnelUrl, registerKcpTunnel } from '@kcp-tmc/tunnel';
import type { AgentModule } from './modules.js';
import { tunnelModuleOf } from './tunnel-module.js';

/**
 * kcp's syncer tunnel (`--tunnel=kcp`, the default in kcp modes), with the Tunnel (`KCPSyncerTunnel`) gate:
 * dials `/clusters/<SyncTarget's cluster>/apis/workload.kcp.io/v1alpha1/synctargets/<name>/tunnel` on the
 * upstream's own host over TLS, with the upstream kubeconfig's CA, client certificate and token, as kcp's syncer
 * does; answers pod logs, and exec, attach and port-forward only with `--tunnel-exec`, for pods in namespaces
 * this agent owns.
 */
export const kcpTunnelModule: AgentModule = tunnelModuleOf({
  name: 'kcp-tunnel',
  protocol: 'kcp',
  missing: 'Tunnel gate is on but the upstream kubeconfig has no server or token: kcp tunnel disabled',
  url: ({ ref }, upstreamServer) => kcpSyncerTunnelUrl(upstreamServer, ref.cluster, ref.name),
  refused: ({ logger }, err) =>
    logger.error('kcp tunnel disabled: the agent refuses to dial it', { reason: err.message }),
  register: (container, { tls, ...dial }) =>
    registerKcpTunnel(container, { ...dial, ...(tls === undefined ? {} : { tls: { ...tls } }) }),
});
