import type { KubeClient } from '@kcp-tmc/interfaces';
import { readError } from '@kcp-tmc/kube';

/** One entry of an APIResourceList, as discovery serves it. */
export interface ApiResource {
  readonly name: string;
  readonly singularName?: string;
  readonly namespaced: boolean;
  readonly kind: string;
  readonly verbs?: readonly string[];
  readonly shortNames?: readonly string[];
  readonly categories?: readonly string[];
}

export interface GroupVersionResources {
  readonly group: string;
  readonly version: string;
  /** Every resource and subresource (`deployments/status`) of the group version. */
  readonly resources: readonly ApiResource[];
}

/** A resource at its preferred version, as client-go's ServerPreferredResources picks it. */
export interface PreferredResource {
  readonly group: string;
  readonly version: string;
  readonly resource: ApiResource;
  /** The names (with subresources) served in that group version. */
  readonly served: ReadonlySet<string>;
}

interface ApiGroup {
  name: string;
  versions?: Array<{ version: string }>;
  preferredVersion?: { version: string };
}

/** The downstream's discovery: group versions in the server's order of preference. */
export interface Discovery {
  readonly lists: readonly GroupVersionResources[];
  /** Each group's preferred version ('' is the legacy core group). */
  readonly preferredVersions: ReadonlyMap<string, string>;
}

/** Reads the downstream's discovery documents (legacy /api and /apis) over the client's raw requests. */
export async function readDiscovery(client: KubeClient, signal?: AbortSignal): Promise<Discovery> {
  const get = async <T>(path: string): Promise<T> => {
    const response = await client.request(path, signal === undefined ? {} : { signal });
    if (!response.ok) throw await readError(response, `discovery GET ${path}`);
    return (await response.json()) as T;
  };
  const legacy = await get<{ versions?: string[] }>('/api');
  const groups: ApiGroup[] = [
    { name: '', versions: (legacy.versions ?? []).map((version) => ({ version })) },
  ];
  const named = await get<{ groups?: ApiGroup[] }>('/apis');
  groups.push(...(named.groups ?? []));
  const preferredVersions = new Map<string, string>();
  for (const group of groups) {
    const preferred = group.preferredVersion?.version ?? group.versions?.[0]?.version;
    if (preferred !== undefined) preferredVersions.set(group.name, preferred);
  }
  const lists = await Promise.all(
    groups.flatMap((group) =>
      (group.versions ?? []).map(async ({ version }) => {
        const path = group.name === '' ? `/api/${version}` : `/apis/${group.name}/${version}`;
        const list = await get<{ resources?: ApiResource[] }>(path);
        return { group: group.name, version, resources: list.resources ?? [] };
      }),
    ),
  );
  return { lists, preferredVersions };
}

/**
 * One version per group and resource: the group's preferred version when it serves the resource, otherwise
 * the first version listed that does; subresources are not resources.
 */
export function preferredResources(discovery: Discovery): PreferredResource[] {
  const byGroupResource = new Map<string, PreferredResource>();
  for (const list of discovery.lists) {
    const served = new Set(list.resources.map((r) => r.name));
    const preferred = discovery.preferredVersions.get(list.group);
    for (const resource of list.resources) {
      if (resource.name.includes('/')) continue;
      const key = `${resource.name}.${list.group}`;
      if (byGroupResource.has(key) && list.version !== preferred) continue;
      byGroupResource.set(key, { group: list.group, version: list.version, resource, served });
    }
  }
  return [...byGroupResource.values()];
}

/**
 * The group and plural a `--resources` / synced-resource name (`deployments.apps`, `services.`, `deployment`)
 * stands for: matched on plural or singular name, as a REST mapper does; undefined when nothing serves it.
 */
export function resolveGroupResource(
  discovery: Discovery,
  text: string,
): { group: string; resource: string } | undefined {
  const dot = text.indexOf('.');
  const name = (dot < 0 ? text : text.slice(0, dot)).toLowerCase();
  const group = dot < 0 ? '' : text.slice(dot + 1);
  for (const list of discovery.lists) {
    if (list.group !== group) continue;
    for (const resource of list.resources) {
      if (resource.name.includes('/')) continue;
      if (resource.name === name || resource.singularName === name) return { group, resource: resource.name };
    }
  }
  return undefined;
}
