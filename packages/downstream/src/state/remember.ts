import type { ApplyRequest, KubeObject, ResourceStateStore } from '@kcp-tmc/interfaces';
import { upstreamSpecOf } from '../apply/results.js';

/** Records what was written for the request's key: the differ's baseline for the next apply. */
export function rememberApplied(
  states: ResourceStateStore,
  request: ApplyRequest,
  written: KubeObject,
  hash: string,
  desired: KubeObject,
): void {
  const { key } = request.item;
  const generation = written.metadata.generation;
  const upstreamSpec = upstreamSpecOf(request.upstream);
  states.set({
    key,
    gvr: key.gvr,
    downstreamNamespace: written.metadata.namespace ?? '',
    downstreamName: written.metadata.name ?? '',
    resourceVersion: written.metadata.resourceVersion ?? '',
    ...(generation === undefined ? {} : { generation }),
    hash,
    lastApplied: desired,
    ...(upstreamSpec === undefined ? {} : { upstreamSpec }),
    lastSyncTime: new Date().toISOString(),
  });
}
