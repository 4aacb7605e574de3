import { type GVR, type KubeClient, type SyncTargetRef, toSyncTargetKey } from '@kcp-tmc/interfaces';
import { ClusterConnection, DynamicClient, loadKubeConfig, RestMapper, Transport } from '@kcp-tmc/kube';
import { buildKubeconfig } from '@kcp-tmc/testing';

// The upsyncer tests' world: one workspace upstream, its namespace `demo` on one SyncTarget downstream.

export const UPSYNC_WORLD = {
  /** The workspace whose objects are upsynced. */
  workspace: 'root:org:ws',
  target: { cluster: 'root:org', name: 'phys', uid: 'st-uid', key: toSyncTargetKey('root:org', 'phys') },
  /** The downstream namespace of `demo` in the workspace (kcp's naming for the target). */
  physicalNamespace: 'kcp-33jbiactwhg0',
} as const satisfies { workspace: string; target: SyncTargetRef; physicalNamespace: string };
export const PODS: GVR = { group: '', version: 'v1', resource: 'pods' };
export const NAMESPACES: GVR = { group: '', version: 'v1', resource: 'namespaces' };

/** A client on a simulator: no rate limit, retries within 10-50 ms. */
export function simulatorClient(server: string): KubeClient {
  const connection = new ClusterConnection(loadKubeConfig({ kubeconfig: buildKubeconfig({ server }) }));
  const transport = new Transport(connection, { qps: 0, baseDelayMs: 10, maxDelayMs: 50 });
  return new DynamicClient(transport, new RestMapper(transport));
}
