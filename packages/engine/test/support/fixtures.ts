import { type GVR, type KubeObject, parseGvr, ResourceStateValue, stateLabel } from '@kcp-tmc/interfaces';

/** The five GVRs the integration tests sync: two built-ins, three from the SyncTarget's synced resources. */
export const TEST_GVRS = [
  'apps/v1/deployments',
  'v1/configmaps',
  'v1/secrets',
  'v1/services',
  'batch/v1/jobs',
] as const;
export const SYNCED_RESOURCES = ['apps/v1/deployments', 'v1/services', 'batch/v1/jobs'];

const podTemplate = (app: string, restartPolicy: 'Always' | 'Never') => ({
  metadata: { labels: { app } },
  spec: { containers: [{ name: 'main', image: 'registry.example/app:1' }], restartPolicy },
});

/** A minimal valid object of a test GVR, scheduled to the SyncTarget with this key. */
export function workload(
  gvrText: string,
  namespace: string,
  name: string,
  syncTargetKey: string,
  marker = '0',
): KubeObject {
  const gvr: GVR = parseGvr(gvrText);
  const metadata = {
    name,
    namespace,
    labels: { [stateLabel(syncTargetKey)]: ResourceStateValue.Sync, app: name },
    annotations: { 'test.kcp.io/marker': marker },
  };
  const apiVersion = gvr.group === '' ? gvr.version : `${gvr.group}/${gvr.version}`;
  switch (gvr.resource) {
    case 'deployments':
      return {
        apiVersion,
        kind: 'Deployment',
        metadata,
        spec: {
          replicas: 1,
          selector: { matchLabels: { app: name } },
          template: podTemplate(name, 'Always'),
        },
      };
    case 'configmaps':
      return { apiVersion, kind: 'ConfigMap', metadata, data: { key: name } };
    case 'secrets':
      return { apiVersion, kind: 'Secret', metadata, type: 'Opaque', stringData: { key: name } };
    case 'services':
      return {
        apiVersion,
        kind: 'Service',
        metadata,
        spec: { selector: { app: name }, ports: [{ port: 80 }] },
      };
    case 'jobs':
      return { apiVersion, kind: 'Job', metadata, spec: { template: podTemplate(name, 'Never') } };
    default:
      throw new Error(`no fixture for ${gvrText}`);
  }
}
