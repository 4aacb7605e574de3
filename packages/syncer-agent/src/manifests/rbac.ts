import { EVENT_VERBS, NAMESPACE_VERBS, SYNCED_RESOURCE_VERBS } from '@kcp-tmc/engine';
import type { FeatureGates } from '@kcp-tmc/interfaces';

export interface PolicyRule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
  resourceNames?: string[];
}

/** A resource as kcp names it for RBAC: `deployments.apps`, `services` (core). */
export interface GroupResource {
  readonly group: string;
  readonly resource: string;
}

/** kcp's `resource.group` (no version) as group and resource. */
export function groupResource(name: string): GroupResource {
  const dot = name.indexOf('.');
  return dot < 0
    ? { group: '', resource: name }
    : { group: name.slice(dot + 1), resource: name.slice(0, dot) };
}

// The agent never syncs these (kcp's syncer virtual workspace does not serve them), so it needs no grant.
const NEVER_SYNCED_CORE = new Set(['pods', 'endpoints', 'namespaces']);

/**
 * The downstream ClusterRole: exactly the verbs the agent's access reviews ask for and its code issues
 * (@kcp-tmc/engine's SYNCED_RESOURCE_VERBS per synced resource, EVENT_VERBS, NAMESPACE_VERBS), plus `get` on
 * CRDs for the API importer's schemas. kcp's template grants `*` on the synced resources and DNS objects
 * (networkpolicies, endpoints) the agent does not create: those are left out. Pod subresources only with the
 * Tunnel gate, which proxies them: `get` on pods/log (all the tunnel forwards by default), and exec, attach and
 * portforward (`create`, and `get` for the WebSocket upgrade) only with `--tunnel-exec`.
 */
export function downstreamClusterRoleRules(
  resources: readonly GroupResource[],
  featureGates: Pick<FeatureGates, 'Tunnel'>,
  tunnelExec = false,
): PolicyRule[] {
  const byGroup = new Map<string, Set<string>>();
  for (const { group, resource } of resources) {
    if (group === '' && NEVER_SYNCED_CORE.has(resource)) continue;
    byGroup.set(group, (byGroup.get(group) ?? new Set<string>()).add(resource));
  }
  const rules: PolicyRule[] = [
    { apiGroups: [''], resources: ['namespaces'], verbs: [...NAMESPACE_VERBS] },
    { apiGroups: ['apiextensions.k8s.io'], resources: ['customresourcedefinitions'], verbs: ['get'] },
    ...[...byGroup.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([group, set]) => ({
        apiGroups: [group],
        resources: [...set].sort(),
        verbs: [...SYNCED_RESOURCE_VERBS],
      })),
    { apiGroups: [''], resources: ['events'], verbs: [...EVENT_VERBS] },
  ];
  if (featureGates.Tunnel) {
    rules.push({ apiGroups: [''], resources: ['pods/log'], verbs: ['get'] });
    if (tunnelExec) {
      rules.push({
        apiGroups: [''],
        resources: ['pods/attach', 'pods/exec', 'pods/portforward'],
        verbs: ['create', 'get'],
      });
    }
  }
  return rules;
}

/** What leader election needs in the agent's namespace (client-go's Lease lock): read, take and renew. */
export const LEADER_ELECTION_RULES: readonly PolicyRule[] = [
  { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['create', 'get', 'update'] },
];

/**
 * The upstream ClusterRole kcp's plugin creates for the syncer's ServiceAccount, rule for rule
 * (kcp v0.11: pkg/cliplugins/workload/plugin/sync.go): `sync` (the syncer virtual workspace's verb) and
 * get/list/watch on this one SyncTarget, get on its tunnel, update/patch on its status, and APIResourceImports.
 */
export function upstreamClusterRoleRules(syncTargetName: string): PolicyRule[] {
  const workload = 'workload.kcp.io';
  return [
    { verbs: ['sync'], apiGroups: [workload], resourceNames: [syncTargetName], resources: ['synctargets'] },
    {
      verbs: ['get'],
      apiGroups: [workload],
      resourceNames: [syncTargetName],
      resources: ['synctargets/tunnel'],
    },
    {
      verbs: ['get', 'list', 'watch'],
      apiGroups: [workload],
      resources: ['synctargets'],
      resourceNames: [syncTargetName],
    },
    {
      verbs: ['update', 'patch'],
      apiGroups: [workload],
      resourceNames: [syncTargetName],
      resources: ['synctargets/status'],
    },
    {
      verbs: ['get', 'create', 'update', 'delete', 'list', 'watch'],
      apiGroups: ['apiresource.kcp.io'],
      resources: ['apiresourceimports'],
    },
  ];
}
