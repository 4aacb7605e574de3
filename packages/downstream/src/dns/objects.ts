import type { KubeObject } from '@kcp-tmc/interfaces';
import { DNS_CONTAINER } from './names.js';

// The objects kcp's syncer creates for a workspace's DNS, field for field as its templates
// (pkg/syncer/spec/dns/*_dns.yaml) and builders (resources.go) send them; the server adds its defaults.

const meta = (name: string, namespace: string) => ({ name, namespace });

export function dnsServiceAccount(name: string, namespace: string): KubeObject {
  return { apiVersion: 'v1', kind: 'ServiceAccount', metadata: meta(name, namespace) };
}

/** Read access to the workspace's ConfigMap only (named like everything else). */
export function dnsRole(name: string, namespace: string): KubeObject {
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'Role',
    metadata: meta(name, namespace),
    rules: [
      { apiGroups: [''], resources: ['configmaps'], resourceNames: [name], verbs: ['get', 'list', 'watch'] },
    ],
  };
}

export function dnsRoleBinding(name: string, namespace: string): KubeObject {
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: meta(name, namespace),
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name },
    subjects: [{ kind: 'ServiceAccount', name, namespace }],
  };
}

/** The container spec kcp's template holds; `image` is `--dns-image`, the ConfigMap is named like the rest. */
export function dnsContainer(name: string, image: string): Record<string, unknown> {
  return {
    name: DNS_CONTAINER,
    command: ['/ko-app/syncer'],
    args: ['dns', 'start', '--configmap-name', name],
    env: [{ name: 'NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } }],
    image,
    imagePullPolicy: 'IfNotPresent',
    terminationMessagePolicy: 'FallbackToLogsOnError',
  };
}

export function dnsDeploymentSpec(name: string, image: string): Record<string, unknown> {
  return {
    replicas: 1,
    strategy: { type: 'Recreate' },
    selector: { matchLabels: { app: name } },
    template: {
      metadata: { labels: { app: name } },
      spec: { containers: [dnsContainer(name, image)], serviceAccountName: name },
    },
  };
}

export function dnsDeployment(name: string, namespace: string, image: string): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: meta(name, namespace),
    spec: dnsDeploymentSpec(name, image),
  };
}

export function dnsService(name: string, namespace: string): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { ...meta(name, namespace), labels: { app: name } },
    spec: {
      type: 'ClusterIP',
      selector: { app: name },
      ports: [
        { name: 'dns', port: 53, protocol: 'UDP', targetPort: 5353 },
        { name: 'dns-tcp', port: 53, protocol: 'TCP', targetPort: 5353 },
      ],
    },
  };
}

/** One subset of the `default/kubernetes` Endpoints: where the DNS pod reaches the API server. */
export interface ApiServerSubset {
  readonly addresses?: ReadonlyArray<{ readonly ip?: string }>;
  readonly ports?: ReadonlyArray<{ readonly port?: number; readonly protocol?: string }>;
}

/**
 * In: DNS queries from the tenant's namespaces only (by `kcp.io/tenant-id`). Out: kube-dns, and the API server
 * (one /32 per address of its Endpoints, its ports) to watch the ConfigMap.
 */
export function dnsNetworkPolicy(
  name: string,
  namespace: string,
  tenantId: string,
  apiServer: ApiServerSubset,
): KubeObject {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: meta(name, namespace),
    spec: {
      podSelector: { matchLabels: { app: name } },
      policyTypes: ['Ingress', 'Egress'],
      ingress: [
        {
          from: [{ namespaceSelector: { matchLabels: { 'kcp.io/tenant-id': tenantId } } }],
          ports: [
            { protocol: 'TCP', port: 5353 },
            { protocol: 'UDP', port: 5353 },
          ],
        },
      ],
      egress: [
        {
          to: [
            { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } } },
            { podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } },
          ],
          ports: [
            { protocol: 'TCP', port: 53 },
            { protocol: 'UDP', port: 53 },
          ],
        },
        {
          to: (apiServer.addresses ?? []).map((a) => ({ ipBlock: { cidr: `${a.ip ?? ''}/32` } })),
          ports: (apiServer.ports ?? []).map((p) => ({
            port: p.port ?? 0,
            ...(p.protocol === undefined ? {} : { protocol: p.protocol }),
          })),
        },
      ],
    },
  };
}

/** Logical namespace -> downstream namespace, for the workspace's nameserver. No `data` when empty (Go omits it). */
export function dnsConfigMap(
  name: string,
  namespace: string,
  data: Readonly<Record<string, string>>,
): KubeObject {
  const object: KubeObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: meta(name, namespace) };
  if (Object.keys(data).length > 0) object.data = { ...data };
  return object;
}
