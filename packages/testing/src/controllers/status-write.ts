import type { KubeObject } from '../api/types.js';
import type { InProcessClient } from './client.js';
import { type Obj, status } from './shared.js';

/** Keeps condition timestamps when nothing but the timestamps would change, so steady state writes nothing. */
export function writeStatusIfChanged(
  client: InProcessClient,
  cluster: string,
  group: string,
  resource: string,
  obj: KubeObject,
  next: Obj,
  manager: string,
): void {
  const prev = status(obj);
  const strip = (o: Obj) =>
    JSON.stringify({
      ...o,
      conditions: Array.isArray(o.conditions)
        ? o.conditions.map((c) => ({
            ...(c as Obj),
            lastUpdateTime: undefined,
            lastTransitionTime: undefined,
            lastProbeTime: undefined,
          }))
        : undefined,
    });
  if (strip(prev) === strip(next)) return;
  if (Array.isArray(prev.conditions) && Array.isArray(next.conditions)) {
    next.conditions = (next.conditions as Obj[]).map((c) => {
      const old = (prev.conditions as Obj[]).find((p) => p.type === c.type);
      return old && old.status === c.status ? { ...c, lastTransitionTime: old.lastTransitionTime } : c;
    });
  }
  client.mutate(
    cluster,
    group,
    resource,
    obj.metadata.namespace ?? '',
    obj.metadata.name!,
    manager,
    (o) => {
      o.status = next;
      return true;
    },
    'status',
  );
}
