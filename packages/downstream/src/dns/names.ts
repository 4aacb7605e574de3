import {
  CONFIGMAPS_GVR,
  encodeBase36Bytes,
  type GVR,
  SERVICE_ACCOUNTS_GVR,
  sha224,
} from '@kcp-tmc/interfaces';

/**
 * The name of every per-workspace DNS object (ServiceAccount, Role, RoleBinding, Deployment, Service,
 * NetworkPolicy, ConfigMap and the Endpoints kube derives): `kcp-dns-<st>-<8 of the uid hash>-<8 of the
 * workspace hash>`, hashes being lower-case base36 of SHA-224 (kcp: pkg/syncer/shared/helpers.go `GetDNSID`).
 */
export function dnsId(cluster: string, syncTargetUid: string, syncTargetName: string): string {
  const uidHash = encodeBase36Bytes(sha224(syncTargetUid)).toLowerCase();
  const workspaceHash = encodeBase36Bytes(sha224(cluster)).toLowerCase();
  return `kcp-dns-${syncTargetName}-${uidHash.slice(0, 8)}-${workspaceHash.slice(0, 8)}`;
}

/** The DNS Deployment's container (kcp: pkg/syncer/spec/dns/deployment_dns.yaml). */
export const DNS_CONTAINER = 'kcp-dns';

export const DNS_GVRS = {
  serviceAccounts: SERVICE_ACCOUNTS_GVR,
  roles: { group: 'rbac.authorization.k8s.io', version: 'v1', resource: 'roles' },
  roleBindings: { group: 'rbac.authorization.k8s.io', version: 'v1', resource: 'rolebindings' },
  deployments: { group: 'apps', version: 'v1', resource: 'deployments' },
  services: { group: '', version: 'v1', resource: 'services' },
  endpoints: { group: '', version: 'v1', resource: 'endpoints' },
  networkPolicies: { group: 'networking.k8s.io', version: 'v1', resource: 'networkpolicies' },
  configMaps: CONFIGMAPS_GVR,
} as const satisfies Record<string, GVR>;

export type DnsKind = keyof typeof DNS_GVRS;

export function isDeploymentsGvr(gvr: GVR): boolean {
  return gvr.group === 'apps' && gvr.resource === 'deployments';
}
