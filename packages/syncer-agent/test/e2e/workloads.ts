import { syncLabelsFor } from './support.js';

// The workloads the agent e2e suites sync, on the simulators and on real kube-apiservers alike.

/** Collection paths of the synced kinds in a namespace. */
export const GVR_PATHS = {
  deployments: (ns: string) => `/apis/apps/v1/namespaces/${ns}/deployments`,
  services: (ns: string) => `/api/v1/namespaces/${ns}/services`,
  configmaps: (ns: string) => `/api/v1/namespaces/${ns}/configmaps`,
  secrets: (ns: string) => `/api/v1/namespaces/${ns}/secrets`,
};
export type Kind = keyof typeof GVR_PATHS;
export const KINDS = Object.keys(GVR_PATHS) as Kind[];
/** The collection path of `kind` across all namespaces. */
export const allNamespaces = (kind: Kind) => GVR_PATHS[kind]('').replace('/namespaces//', '/');

/** A Deployment scheduled to the SyncTarget of `key`, labelled with `labels` too. */
export function scheduledDeployment(
  key: string,
  name: string,
  replicas: number,
  labels: Record<string, string> = {},
) {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, labels: syncLabelsFor(key, labels) },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: { containers: [{ name: 'main', image: 'example/app:1' }] },
      },
    },
  };
}

/** An object of `kind` for the bulk tests (labelled bulk=yes), scheduled to the SyncTarget of `key`. */
export function bulkObject(key: string, kind: Kind, name: string) {
  const metadata = { name, labels: syncLabelsFor(key, { bulk: 'yes' }) };
  switch (kind) {
    case 'deployments':
      return scheduledDeployment(key, name, 0, { bulk: 'yes' });
    case 'services':
      return { apiVersion: 'v1', kind: 'Service', metadata, spec: { ports: [{ port: 80 }] } };
    case 'configmaps':
      return { apiVersion: 'v1', kind: 'ConfigMap', metadata, data: { n: name } };
    case 'secrets':
      return { apiVersion: 'v1', kind: 'Secret', metadata, type: 'Opaque', stringData: { n: name } };
  }
}
