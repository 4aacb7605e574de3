import { grKey, type ResourceType } from '../api/resource-type.js';
import type { ResourceService } from '../api/service.js';
import { ApiError } from '../api/status.js';
import type { DeleteOptions, Target } from '../api/target.js';
import { cloneJson, type KubeObject } from '../api/types.js';

/** The fake controllers' API access: in process, with full server semantics, no HTTP. */
export class InProcessClient {
  constructor(readonly service: ResourceService) {}

  rt(cluster: string, group: string, resource: string): ResourceType {
    const rt = this.service.registry.lookupGroupResource(cluster, group, resource);
    if (!rt) throw new Error(`resource ${resource}.${group} is not served`);
    return rt;
  }

  private target(
    cluster: string,
    group: string,
    resource: string,
    namespace?: string,
    name?: string,
    subresource?: string,
  ): Target {
    const rt = this.rt(cluster, group, resource);
    return {
      cluster,
      rt,
      version: rt.versions[0]!,
      namespace: rt.namespaced ? namespace : undefined,
      name,
      subresource,
    };
  }

  get(
    cluster: string,
    group: string,
    resource: string,
    namespace: string,
    name: string,
  ): KubeObject | undefined {
    return this.service.store.get(cluster, `${group}/${resource}`, namespace, name);
  }

  list(cluster: string, group: string, resource: string, namespace?: string): KubeObject[] {
    return [...this.service.store.list(cluster, `${group}/${resource}`, namespace)].map((e) => e.object);
  }

  create(
    cluster: string,
    group: string,
    resource: string,
    namespace: string | undefined,
    obj: KubeObject,
    manager: string,
  ): KubeObject {
    return this.service.create(this.target(cluster, group, resource, namespace), obj, {
      fieldManager: manager,
    }).object;
  }

  /** Writes a changed copy of `obj` (optimistic: fails with 409 if it changed meanwhile). */
  update(
    cluster: string,
    group: string,
    resource: string,
    obj: KubeObject,
    manager: string,
    subresource?: string,
  ): KubeObject {
    const t = this.target(cluster, group, resource, obj.metadata.namespace, obj.metadata.name, subresource);
    return this.service.update(t, obj, { fieldManager: manager }).object;
  }

  /** Reads, mutates a copy and writes back, retrying on conflicts. Returns undefined if the object is gone. */
  mutate(
    cluster: string,
    group: string,
    resource: string,
    namespace: string,
    name: string,
    manager: string,
    fn: (obj: KubeObject) => boolean | undefined,
    subresource?: string,
  ): KubeObject | undefined {
    for (let attempt = 0; attempt < 5; attempt++) {
      const cur = this.get(cluster, group, resource, namespace, name);
      if (!cur) return undefined;
      const copy = cloneJson(cur);
      if (fn(copy) === false) return cur;
      try {
        return this.update(cluster, group, resource, copy, manager, subresource);
      } catch (err) {
        if (err instanceof ApiError && err.code === 409) continue;
        if (err instanceof ApiError && err.code === 404) return undefined;
        throw err;
      }
    }
    return undefined;
  }

  delete(
    cluster: string,
    group: string,
    resource: string,
    namespace: string | undefined,
    name: string,
    opts: DeleteOptions = {},
  ): void {
    try {
      this.service.delete(this.target(cluster, group, resource, namespace, name), opts);
    } catch (err) {
      if (!(err instanceof ApiError && err.code === 404)) throw err;
    }
  }

  /** Every resource (as group/resource keys) that holds objects in a cluster. */
  resourcesWithObjects(cluster: string): string[] {
    return this.service.store.resourcesWithObjects(cluster);
  }

  grKeyOf(rt: ResourceType): string {
    return grKey(rt);
  }
}
