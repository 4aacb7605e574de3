import type { KubeObject } from '../api/types.js';
import type { KubeSimulator } from '../simulator.js';

/** Any client's object type: the kit reads only where it goes. */
type StoredObject = { metadata: { name?: string | undefined; namespace?: string | undefined } };

/**
 * Writes straight into a simulator's store (full API semantics, no HTTP): works while the network is cut, and
 * seeds thousands of objects fast.
 */
export function serverSide<O extends StoredObject = KubeObject>(
  sim: KubeSimulator,
  gvr: { group: string; version: string; resource: string },
  cluster = '',
) {
  const rt = sim.service.registry.lookupGroupResource(cluster, gvr.group, gvr.resource);
  if (rt === undefined) throw new Error(`simulator does not serve ${gvr.group}/${gvr.resource}`);
  const target = (namespace: string | undefined, name?: string) => ({
    cluster,
    rt,
    version: gvr.version,
    namespace,
    ...(name === undefined ? {} : { name }),
  });
  return {
    create(object: O): O {
      return sim.service.create(target(object.metadata.namespace), object as KubeObject).object as O;
    },
    update(object: O): O {
      return sim.service.update(target(object.metadata.namespace, object.metadata.name), object as KubeObject)
        .object as O;
    },
    get(namespace: string | undefined, name: string): O {
      return sim.service.get(target(namespace, name)) as O;
    },
    delete(namespace: string | undefined, name: string): void {
      sim.service.delete(target(namespace, name));
    },
  };
}
