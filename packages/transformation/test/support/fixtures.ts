import {
  clusterKey,
  type GVR,
  gvr,
  type KubeObject,
  type SyncContext,
  type SyncDirection,
  type SyncTargetRef,
  toSyncTargetKey,
} from '@kcp-tmc/interfaces';

export const deployments = gvr('apps', 'v1', 'deployments');
export const configmaps = gvr('', 'v1', 'configmaps');
export const secrets = gvr('', 'v1', 'secrets');
export const namespaces = gvr('', 'v1', 'namespaces');
export const persistentvolumes = gvr('', 'v1', 'persistentvolumes');

// The SyncTarget of kcp's own spec syncer tests (tmc: pkg/syncer/spec/spec_process_test.go): their expected key,
// downstream namespace and tenant id are asserted against ours.
export const KCP_TEST_SYNC_TARGET_KEY = '6ohB8yeXhwqTQVuBzJRgqcRJTpRjX7yTZu5g5g';
export const KCP_TEST_NAMESPACE = 'kcp-33jbiactwhg0';
export const KCP_TEST_TENANT_ID = '9Fn3Q4y5UDPmCOrYCujwdgCbD9SwOcKdcefYE7';
export const syncTarget: SyncTargetRef = {
  cluster: 'root:org:ws',
  name: 'us-west1',
  uid: 'syncTargetUID',
  key: toSyncTargetKey('root:org:ws', 'us-west1'),
};
export const UPSTREAM_CLUSTER = 'root:org:ws';

export function context(
  resource: GVR,
  direction: SyncDirection = 'down',
  namespace = 'test',
  name = 'web',
): SyncContext {
  return {
    direction,
    syncTarget,
    cluster: UPSTREAM_CLUSTER,
    gvr: resource,
    key: clusterKey(UPSTREAM_CLUSTER, resource, namespace, name),
  };
}

/** A Deployment as the syncer virtual workspace serves it: server fields, kcp annotations, state labels. */
export function upstreamDeployment(): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: 'web',
      namespace: 'test',
      uid: '9b1c7c4e-0000-4000-8000-000000000001',
      resourceVersion: '1234',
      generation: 3,
      creationTimestamp: '2024-05-01T10:00:00Z',
      labels: {
        app: 'web',
        [`state.workload.kcp.io/${KCP_TEST_SYNC_TARGET_KEY}`]: 'Sync',
        'state.workload.kcp.io/otherSyncTargetKey': 'Sync',
      },
      annotations: {
        'kcp.io/cluster': UPSTREAM_CLUSTER,
        'internal.workload.kcp.io/workspace-url': 'https://kcp.example/clusters/root:org:ws',
        [`deletion.internal.workload.kcp.io/${KCP_TEST_SYNC_TARGET_KEY}`]: '2024-05-02T10:00:00Z',
        [`experimental.status.workload.kcp.io/${KCP_TEST_SYNC_TARGET_KEY}`]: '{"replicas":1}',
        'kubectl.kubernetes.io/last-applied-configuration': '{"apiVersion":"apps/v1"}',
        'team.example.com/owner': 'payments',
      },
      finalizers: [`workload.kcp.io/syncer-${KCP_TEST_SYNC_TARGET_KEY}`],
      ownerReferences: [
        { apiVersion: 'example.com/v1', kind: 'App', name: 'shop', uid: 'owner-uid', controller: true },
      ],
      managedFields: [{ manager: 'kubectl', operation: 'Apply', time: '2024-05-01T10:00:00Z' }],
    },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: {
          serviceAccountName: 'web',
          containers: [
            {
              name: 'web',
              image: 'nginx:1.27',
              env: [
                { name: 'POD_NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
                { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
                { name: 'CA', valueFrom: { configMapKeyRef: { name: 'kube-root-ca.crt', key: 'ca.crt' } } },
              ],
              envFrom: [
                { configMapRef: { name: 'kube-root-ca.crt' } },
                { configMapRef: { name: 'settings' } },
              ],
            },
          ],
          volumes: [
            { name: 'ca', configMap: { name: 'kube-root-ca.crt' } },
            {
              name: 'projected',
              projected: {
                sources: [
                  { configMap: { name: 'kube-root-ca.crt' } },
                  { secret: { name: 'kube-root-ca.crt' } },
                ],
              },
            },
          ],
        },
      },
    },
    status: { replicas: 2, readyReplicas: 2, observedGeneration: 3 },
  };
}
