import type { DiscoverySource } from './discovery.js';
import { type ResourceRegistry, WILDCARD_CLUSTER } from './registry.js';

/**
 * Discovery and resources when CRDs are a workspace's own, as in kcp v0.11 (measured:
 * conformance/real-kcp.test.ts). kcp serves a `/clusters/*` request for a CRD-backed resource only with an
 * APIExport identity or as partial object metadata (pkg/server/apiextensions.go, apiBindingAwareCRDLister.Get),
 * so only the built-ins answer there; and its CRD discovery is shared by all logical clusters, so a group/version
 * some cluster's CRD serves is answered in every cluster, with no resources.
 */
export function localCrdDiscovery(registry: ResourceRegistry, cluster: string): DiscoverySource {
  const sharedGroupVersion = (group: string, version: string) =>
    registry.resourcesIn(WILDCARD_CLUSTER, group, version).length > 0;
  if (cluster !== WILDCARD_CLUSTER) {
    return {
      groups: (c) => registry.groups(c),
      resourcesIn: (c, group, version) => registry.resourcesIn(c, group, version),
      sharedGroupVersion,
    };
  }
  const resourcesIn = (c: string, group: string, version: string) =>
    registry.resourcesIn(c, group, version).filter((rt) => registry.isBuiltin(rt.group, rt.resource));
  return { resourcesIn, groups: (c) => groupsWithResources(registry, c, resourcesIn), sharedGroupVersion };
}

/** The registry's groups in `cluster`, each with only the versions in which `resourcesIn` finds a resource. */
export function groupsWithResources(
  registry: ResourceRegistry,
  cluster: string,
  resourcesIn: (cluster: string, group: string, version: string) => readonly unknown[],
): { name: string; versions: string[] }[] {
  return registry
    .groups(cluster)
    .map((g) => ({
      name: g.name,
      versions: g.versions.filter((v) => resourcesIn(cluster, g.name, v).length > 0),
    }))
    .filter((g) => g.versions.length > 0);
}
