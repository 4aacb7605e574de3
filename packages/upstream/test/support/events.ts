import type { KubeObject } from '@kcp-tmc/interfaces';

/**
 * The `i`-th Warning Event a kubelet on `host` would write about `about` downstream (count 1, timestamps now, to
 * the second as the API stores them).
 */
export function downstreamEvent(
  about: KubeObject,
  reason: string,
  message: string,
  i: number,
  host: string,
): KubeObject {
  const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  return {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: {
      name: `${about.metadata.name}.${reason.toLowerCase()}-${i}`,
      namespace: about.metadata.namespace as string,
    },
    involvedObject: {
      apiVersion: about.apiVersion as string,
      kind: about.kind as string,
      namespace: about.metadata.namespace as string,
      name: about.metadata.name as string,
      uid: about.metadata.uid as string,
    },
    reason,
    message,
    type: 'Warning',
    count: 1,
    firstTimestamp: now,
    lastTimestamp: now,
    source: { component: 'kubelet', host },
  };
}
