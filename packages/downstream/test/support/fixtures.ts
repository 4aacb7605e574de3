import { type KubeObject, ResourceStateValue, stateLabel } from '@kcp-tmc/interfaces';

const podTemplate = (app: string, restartPolicy: 'Always' | 'Never', image = 'registry.example/app:1') => ({
  metadata: { labels: { app } },
  spec: { containers: [{ name: 'main', image }], restartPolicy },
});

/** A minimal valid upstream object of a kind, scheduled to the SyncTarget with this key. */
export function workload(kind: string, namespace: string, name: string, syncTargetKey: string): KubeObject {
  const metadata = {
    name,
    namespace,
    labels: { [stateLabel(syncTargetKey)]: ResourceStateValue.Sync, app: name },
  };
  switch (kind) {
    case 'Deployment':
      return {
        apiVersion: 'apps/v1',
        kind,
        metadata,
        spec: {
          replicas: 1,
          selector: { matchLabels: { app: name } },
          template: podTemplate(name, 'Always'),
        },
      };
    case 'ConfigMap':
      return { apiVersion: 'v1', kind, metadata, data: { key: name } };
    case 'Secret':
      return { apiVersion: 'v1', kind, metadata, type: 'Opaque', stringData: { key: name } };
    case 'Service':
      return {
        apiVersion: 'v1',
        kind,
        metadata,
        spec: {
          type: 'NodePort',
          selector: { app: name },
          ports: [{ name: 'http', port: 80, targetPort: 8080 }],
        },
      };
    case 'PersistentVolumeClaim':
      return {
        apiVersion: 'v1',
        kind,
        metadata,
        spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
      };
    case 'Job':
      return { apiVersion: 'batch/v1', kind, metadata, spec: { template: podTemplate(name, 'Never') } };
    case 'Widget':
      return { apiVersion: 'example.com/v1', kind, metadata, spec: { size: 3, color: 'blue' } };
    default:
      throw new Error(`no fixture for ${kind}`);
  }
}

export const KINDS: ReadonlyArray<readonly [string, string]> = [
  ['Deployment', 'apps/v1/deployments'],
  ['ConfigMap', 'v1/configmaps'],
  ['Secret', 'v1/secrets'],
  ['Service', 'v1/services'],
  ['PersistentVolumeClaim', 'v1/persistentvolumeclaims'],
  ['Job', 'batch/v1/jobs'],
  ['Widget', 'example.com/v1/widgets'],
];
