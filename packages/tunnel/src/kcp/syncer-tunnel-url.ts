import { TunnelUrlRefused, tlsUpstream } from '../agent/dial-url.js';

/** The SyncTarget subresource kcp's tunneler answers (kcp: pkg/tunneler/tunnel.go). */
export const SYNCER_TUNNEL_SUBRESOURCE = 'tunnel';

/**
 * The URL kcp's syncer dials with the `KCPSyncerTunnel` gate: the upstream's origin (any path of the kubeconfig's
 * server dropped, as kcp's syncer does) + `/clusters/<SyncTarget's logical cluster>/apis/workload.kcp.io/v1alpha1/
 * synctargets/<name>/tunnel`. kcp accepts only https here, and so do we: the bearer token must never travel in
 * cleartext.
 */
export function kcpSyncerTunnelUrl(upstreamServer: string, cluster: string, syncTargetName: string): string {
  const upstream = tlsUpstream(upstreamServer);
  if (cluster === '' || syncTargetName === '') {
    throw new TunnelUrlRefused('the SyncTarget cluster and name must not be empty');
  }
  const segments = [
    'clusters',
    cluster,
    'apis',
    'workload.kcp.io',
    'v1alpha1',
    'synctargets',
    syncTargetName,
  ];
  return `${upstream.origin}/${segments.map(pathSegment).join('/')}/${SYNCER_TUNNEL_SUBRESOURCE}`;
}

/** As Go's url.JoinPath escapes a path segment: `:` (workspace paths) stays as it is. */
function pathSegment(segment: string): string {
  return encodeURIComponent(segment).replace(/%3A/gi, ':');
}
