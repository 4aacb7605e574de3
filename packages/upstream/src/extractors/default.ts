import type { GVR, KubeObject, StatusExtractor } from '@kcp-tmc/interfaces';

/**
 * Any other type: the status is copied. With several targets there is no general merge, so the first target
 * in key order speaks for all (every agent picks the same one, so they converge).
 */
export class DefaultStatusExtractor implements StatusExtractor {
  readonly name = 'default';

  appliesTo(_gvr: GVR): boolean {
    return true;
  }

  extract(downstream: KubeObject): unknown {
    return downstream.status ?? {};
  }

  merge(statuses: ReadonlyMap<string, unknown>, _upstream?: KubeObject): unknown {
    const first = [...statuses.keys()].sort()[0];
    return first === undefined ? undefined : statuses.get(first);
  }
}
