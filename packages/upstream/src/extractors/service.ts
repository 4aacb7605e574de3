import type { GVR, KubeObject, StatusExtractor } from '@kcp-tmc/interfaces';
import { canonicalJson, isRecord } from '../json.js';
import { mergeConditions, orderedStatuses, put, type Status } from './merge-helpers.js';

/**
 * core/v1 Service: the union of every target's load-balancer ingress points (each IP or hostname once, in
 * target-key order), conditions worst-wins.
 */
export class ServiceStatusExtractor implements StatusExtractor {
  readonly name = 'services';

  appliesTo(gvr: GVR): boolean {
    return gvr.group === '' && gvr.resource === 'services';
  }

  extract(downstream: KubeObject): unknown {
    return isRecord(downstream.status) ? { ...downstream.status } : {};
  }

  merge(statuses: ReadonlyMap<string, unknown>, _upstream?: KubeObject): unknown {
    const all = orderedStatuses(statuses);
    const merged: Status = { ...all[0] };
    const seen = new Set<string>();
    const ingress: unknown[] = [];
    for (const status of all) {
      const lb = status.loadBalancer;
      if (!isRecord(lb) || !Array.isArray(lb.ingress)) continue;
      for (const point of lb.ingress) {
        const id = canonicalJson(point);
        if (seen.has(id)) continue;
        seen.add(id);
        ingress.push(point);
      }
    }
    merged.loadBalancer = ingress.length === 0 ? {} : { ingress };
    put(merged, 'conditions', mergeConditions(all));
    return merged;
  }
}
