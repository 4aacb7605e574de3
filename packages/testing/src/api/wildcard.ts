import type { DiscoverySource } from './discovery.js';
import type { ResourceRegistry } from './registry.js';

/**
 * What a `/clusters/*` request outside a virtual workspace reaches. kcp v0.11 serves a wildcard request for a
 * CRD-backed resource only with an APIExport identity or as partial object metadata (pkg/server/apiextensions.go,
 * apiBindingAwareCRDLister.Get); a workspace's own CRDs have neither, so only the built-ins are served, while
 * discovery still answers a CRD's group/version, with no resources (measured: conformance/real-kcp.test.ts).
 */
export function wildcardRegistry(registry: ResourceRegistry): DiscoverySource {
  const resourcesIn = (cluster: string, group: string, version: string) =>
    registry.resourcesIn(cluster, group, version).filter((rt) => registry.isBuiltin(rt.group, rt.resource));
  return {
    resourcesIn,
    groups: (cluster) =>
      registry
        .groups(cluster)
        .map((g) => ({
          name: g.name,
          versions: g.versions.filter((v) => resourcesIn(cluster, g.name, v).length > 0),
        }))
        .filter((g) => g.versions.length > 0),
    sharedGroupVersion: (group, version) => registry.sharedGroupVersion(group, version),
  };
}
