import type { ResourceService } from '../api/service.js';
import { isPlainObject } from '../api/types.js';
import type { InProcessClient } from './client.js';

/**
 * The namespace controller: once a namespace is Terminating, delete everything in it; when nothing is left,
 * clear its `kubernetes` finalizer so the namespace goes away. Returns true when content remains.
 */
export function reconcileNamespace(
  client: InProcessClient,
  service: ResourceService,
  cluster: string,
  name: string,
): boolean {
  const ns = client.get(cluster, '', 'namespaces', '', name);
  if (!ns?.metadata.deletionTimestamp) return false;
  let remaining = 0;
  for (const gr of client.resourcesWithObjects(cluster)) {
    const slash = gr.indexOf('/');
    const rt = service.registry.lookupGroupResource(cluster, gr.slice(0, slash), gr.slice(slash + 1));
    if (!rt?.namespaced) continue;
    const objects = client.list(cluster, rt.group, rt.resource, name);
    remaining += objects.length;
    for (const obj of objects) {
      if (!obj.metadata.deletionTimestamp)
        client.delete(cluster, rt.group, rt.resource, name, obj.metadata.name!);
    }
  }
  if (remaining > 0) return true;
  const finalizers = isPlainObject(ns.spec) && Array.isArray(ns.spec.finalizers) ? ns.spec.finalizers : [];
  if (finalizers.length > 0) {
    client.mutate(
      cluster,
      '',
      'namespaces',
      '',
      name,
      'namespace-controller',
      (n) => {
        n.spec = {
          ...(isPlainObject(n.spec) ? n.spec : {}),
          finalizers: finalizers.filter((f) => f !== 'kubernetes'),
        };
        return true;
      },
      'finalize',
    );
  }
  return false;
}
