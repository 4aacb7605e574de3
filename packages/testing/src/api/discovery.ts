import type { ResourceRegistry } from './registry.js';
import { groupVersion, type ResourceType } from './resource-type.js';

/** What discovery reads: the served resources, and (kcp) whether some logical cluster's CRD serves a group/version. */
export type DiscoverySource = Pick<ResourceRegistry, 'groups' | 'resourcesIn'> & {
  sharedGroupVersion?(group: string, version: string): boolean;
};

/** Discovery documents (/version, /api, /apis, /apis/<g>, /api/v1, /apis/<g>/<v>) as kube-apiserver serves them. */

// The Kubernetes version whose protobuf definitions and OpenAPI documents the simulator serves (data/, from
// k8s.io/kubernetes v1.35.4, the version tools/kube-bins builds the real servers at), with 1.35's /version fields.
export const SIMULATED_VERSION = {
  major: '1',
  minor: '35',
  emulationMajor: '1',
  emulationMinor: '35',
  minCompatibilityMajor: '1',
  minCompatibilityMinor: '34',
  gitVersion: 'v1.35.4',
  gitCommit: '0000000000000000000000000000000000000000',
  gitTreeState: 'clean',
  buildDate: '2026-04-15T00:00:00Z',
  goVersion: 'go1.25.9',
  compiler: 'gc',
  platform: 'linux/amd64',
};

export function apiVersions(serverAddress: string): Record<string, unknown> {
  return {
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }],
  };
}

function groupDoc(name: string, versions: string[]): Record<string, unknown> {
  const list = versions.map((v) => ({ groupVersion: `${name}/${v}`, version: v }));
  return { name, versions: list, preferredVersion: list[0] };
}

export function apiGroupList(registry: DiscoverySource, cluster: string): Record<string, unknown> {
  return {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: registry.groups(cluster).map((g) => groupDoc(g.name, g.versions)),
  };
}

export function apiGroup(
  registry: DiscoverySource,
  cluster: string,
  group: string,
): Record<string, unknown> | undefined {
  const g = registry.groups(cluster).find((x) => x.name === group);
  if (!g) return undefined;
  return { kind: 'APIGroup', apiVersion: 'v1', ...groupDoc(g.name, g.versions) };
}

function resourceEntries(rt: ResourceType): Record<string, unknown>[] {
  const main: Record<string, unknown> = {
    name: rt.resource,
    singularName: rt.singular,
    namespaced: rt.namespaced,
    kind: rt.kind,
    verbs: rt.verbs,
  };
  if (rt.shortNames.length > 0) main.shortNames = rt.shortNames;
  if (rt.categories.length > 0) main.categories = rt.categories;
  const out = [main];
  const sub = (name: string, verbs: string[], extra: Record<string, unknown> = {}) =>
    out.push({
      name: `${rt.resource}/${name}`,
      singularName: '',
      namespaced: rt.namespaced,
      kind: rt.kind,
      verbs,
      ...extra,
    });
  if (rt.subresources.exec) sub('attach', ['create', 'get'], { kind: 'PodAttachOptions' });
  if (rt.subresources.finalize) sub('finalize', ['update']);
  if (rt.subresources.exec) sub('exec', ['create', 'get'], { kind: 'PodExecOptions' });
  if (rt.subresources.log) sub('log', ['get']);
  if (rt.subresources.scale)
    sub('scale', ['get', 'patch', 'update'], { group: 'autoscaling', version: 'v1', kind: 'Scale' });
  if (rt.subresources.status) sub('status', ['get', 'patch', 'update']);
  return out;
}

export function apiResourceList(
  registry: DiscoverySource,
  cluster: string,
  group: string,
  version: string,
): Record<string, unknown> | undefined {
  const resources = registry.resourcesIn(cluster, group, version);
  if (resources.length === 0) {
    // kcp shares its CRD discovery among logical clusters: a group/version another cluster's CRD serves is
    // answered with no resources, not 404 (measured on real kcp v0.11, conformance/real-kcp.test.ts).
    if (!registry.sharedGroupVersion?.(group, version)) return undefined;
  }
  // kube-apiserver omits apiVersion on the legacy /api/v1 list only.
  return {
    kind: 'APIResourceList',
    ...(group === '' ? {} : { apiVersion: 'v1' }),
    groupVersion: groupVersion(group, version),
    resources: resources.flatMap(resourceEntries),
  };
}
