import { defineResource, grKey, type ResourceType } from './resource-type.js';
import type { ResourceService } from './service.js';
import { isPlainObject, type KubeObject } from './types.js';

type Obj = Record<string, unknown>;

/** The resource a CustomResourceDefinition serves: served versions (storage first), scope, subresources. */
export function resourceTypeFromCrd(crd: KubeObject): ResourceType | undefined {
  const spec = crd.spec as Obj | undefined;
  if (!spec || typeof spec.group !== 'string') return undefined;
  const names = (spec.names ?? {}) as Obj;
  const versions = (Array.isArray(spec.versions) ? spec.versions : []).filter(isPlainObject);
  const storage = versions.find((v) => v.storage === true);
  if (!storage) return undefined;
  const served = versions.filter((v) => v.served !== false).map((v) => String(v.name));
  const ordered = [String(storage.name), ...served.filter((v) => v !== storage.name)];
  const sub = isPlainObject(storage.subresources) ? storage.subresources : {};
  return defineResource({
    group: spec.group,
    versions: ordered,
    resource: String(names.plural),
    kind: String(names.kind),
    singular: String(names.singular ?? String(names.kind).toLowerCase()),
    namespaced: spec.scope === 'Namespaced',
    shortNames: Array.isArray(names.shortNames) ? names.shortNames.map(String) : [],
    categories: Array.isArray(names.categories) ? names.categories.map(String) : [],
    subresources: { status: sub.status !== undefined, scale: sub.scale !== undefined },
    generation: true,
    builtin: false,
  });
}

/**
 * Serves custom resources: registering a CRD's resource in its logical cluster when it is created or
 * changed, and on deletion removing every custom resource of it before the definition itself is gone.
 */
export function installCrdSupport(service: ResourceService): void {
  service.onCommit(({ type, target, cluster, object }) => {
    if (target.rt.group !== 'apiextensions.k8s.io' || target.rt.resource !== 'customresourcedefinitions')
      return;
    const rt = resourceTypeFromCrd(object);
    if (!rt) return;
    if (type === 'DELETED') {
      for (const { object: cr } of [...service.store.list(cluster, grKey(rt))]) {
        const crTarget = {
          cluster,
          rt,
          version: rt.versions[0]!,
          namespace: cr.metadata.namespace,
          name: cr.metadata.name!,
        };
        service.purge(crTarget, cluster, cr);
      }
      service.registry.removeCustom(cluster, rt.group, rt.resource);
    } else if (!object.metadata.deletionTimestamp) {
      service.registry.addCustom(cluster, rt);
    }
  });
}
