import { BUILTIN_GROUP_ORDER, BUILTIN_RESOURCES } from './builtins.js';
import { grKey, type ResourceType } from './resource-type.js';

/** `*` addresses every logical cluster (kcp wildcard requests). */
export const WILDCARD_CLUSTER = '*';

/**
 * Served resources: the built-ins, plus resources served from CustomResourceDefinitions, which are
 * per logical cluster (a CRD in one kcp workspace is invisible in another).
 */
export class ResourceRegistry {
  private readonly builtins = new Map<string, ResourceType>();
  private readonly custom = new Map<string, Map<string, ResourceType>>();
  private readonly listeners = new Set<() => void>();

  constructor(builtins: ResourceType[] = BUILTIN_RESOURCES) {
    for (const rt of builtins) this.builtins.set(grKey(rt), rt);
  }

  /** Finds the resource served at group/version/resource in a cluster (any cluster for `*`). */
  lookup(cluster: string, group: string, version: string, resource: string): ResourceType | undefined {
    const key = `${group}/${resource}`;
    const rt = this.builtins.get(key) ?? this.findCustom(cluster, key);
    return rt?.versions.includes(version) ? rt : undefined;
  }

  lookupGroupResource(cluster: string, group: string, resource: string): ResourceType | undefined {
    const key = `${group}/${resource}`;
    return this.builtins.get(key) ?? this.findCustom(cluster, key);
  }

  /** Finds a resource by kind (apiVersion + kind), as owner references and SSA bodies name it. */
  lookupKind(cluster: string, apiVersion: string, kind: string): ResourceType | undefined {
    const slash = apiVersion.indexOf('/');
    const group = slash < 0 ? '' : apiVersion.slice(0, slash);
    const version = slash < 0 ? apiVersion : apiVersion.slice(slash + 1);
    for (const rt of this.all(cluster)) {
      if (rt.group === group && rt.kind === kind && rt.versions.includes(version)) return rt;
    }
    return undefined;
  }

  private findCustom(cluster: string, key: string): ResourceType | undefined {
    if (cluster === WILDCARD_CLUSTER) {
      for (const m of this.custom.values()) {
        const rt = m.get(key);
        if (rt) return rt;
      }
      return undefined;
    }
    return this.custom.get(cluster)?.get(key);
  }

  isBuiltin(group: string, resource: string): boolean {
    return this.builtins.has(`${group}/${resource}`);
  }

  addCustom(cluster: string, rt: ResourceType): void {
    let m = this.custom.get(cluster);
    if (!m) {
      m = new Map();
      this.custom.set(cluster, m);
    }
    m.set(grKey(rt), rt);
    for (const l of this.listeners) l();
  }

  removeCustom(cluster: string, group: string, resource: string): void {
    this.custom.get(cluster)?.delete(`${group}/${resource}`);
    for (const l of this.listeners) l();
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Every resource visible in a cluster: built-ins first, then custom resources. */
  all(cluster: string): ResourceType[] {
    const out = [...this.builtins.values()];
    if (cluster === WILDCARD_CLUSTER) {
      const seen = new Set<string>();
      for (const m of this.custom.values()) {
        for (const [k, rt] of m) {
          if (!seen.has(k)) {
            seen.add(k);
            out.push(rt);
          }
        }
      }
    } else {
      for (const rt of this.custom.get(cluster)?.values() ?? []) out.push(rt);
    }
    return out;
  }

  /** Groups (other than core) with their versions, in discovery order. */
  groups(cluster: string): { name: string; versions: string[] }[] {
    const byGroup = new Map<string, string[]>();
    for (const rt of this.all(cluster)) {
      if (rt.group === '') continue;
      const versions = byGroup.get(rt.group) ?? [];
      for (const v of rt.versions) if (!versions.includes(v)) versions.push(v);
      byGroup.set(rt.group, versions);
    }
    const order = (g: string) => {
      const i = BUILTIN_GROUP_ORDER.indexOf(g);
      return i < 0 ? BUILTIN_GROUP_ORDER.length : i;
    };
    return [...byGroup.entries()]
      .sort((a, b) => order(a[0]) - order(b[0]) || a[0].localeCompare(b[0]))
      .map(([name, versions]) => ({ name, versions }));
  }

  resourcesIn(cluster: string, group: string, version: string): ResourceType[] {
    return this.all(cluster).filter((rt) => rt.group === group && rt.versions.includes(version));
  }
}
