import { API_RESOURCE_IMPORT_TYPE } from '../kcp/apiresource-import-type.js';
import { defineResource, type ResourceType } from './resource-type.js';

// The built-in resources the simulator serves, with the discovery facts (short names, categories,
// subresources) and field selectors kube-apiserver registers for them.

function str(value: unknown): string | undefined {
  if (value === undefined || value === null) return '';
  return typeof value === 'string' ? value : String(value);
}

function at(obj: Record<string, unknown>, ...path: string[]): unknown {
  let cur: unknown = obj;
  for (const p of path) {
    if (typeof cur !== 'object' || cur === null) return undefined;
    cur = (cur as Record<string, unknown>)[p];
  }
  return cur;
}

const podFields: ResourceType['fieldSelectors'] = {
  'spec.nodeName': (o) => str(at(o, 'spec', 'nodeName')),
  'spec.restartPolicy': (o) => str(at(o, 'spec', 'restartPolicy')),
  'spec.schedulerName': (o) => str(at(o, 'spec', 'schedulerName')),
  'spec.serviceAccountName': (o) => str(at(o, 'spec', 'serviceAccountName')),
  'spec.hostNetwork': (o) => String(at(o, 'spec', 'hostNetwork') === true),
  'status.phase': (o) => str(at(o, 'status', 'phase')),
  'status.podIP': (o) => str(at(o, 'status', 'podIP')),
  'status.nominatedNodeName': (o) => str(at(o, 'status', 'nominatedNodeName')),
};

const eventFields: ResourceType['fieldSelectors'] = {
  'involvedObject.kind': (o) => str(at(o, 'involvedObject', 'kind')),
  'involvedObject.namespace': (o) => str(at(o, 'involvedObject', 'namespace')),
  'involvedObject.name': (o) => str(at(o, 'involvedObject', 'name')),
  'involvedObject.uid': (o) => str(at(o, 'involvedObject', 'uid')),
  'involvedObject.apiVersion': (o) => str(at(o, 'involvedObject', 'apiVersion')),
  'involvedObject.resourceVersion': (o) => str(at(o, 'involvedObject', 'resourceVersion')),
  'involvedObject.fieldPath': (o) => str(at(o, 'involvedObject', 'fieldPath')),
  reason: (o) => str(at(o, 'reason')),
  reportingComponent: (o) => str(at(o, 'reportingComponent')),
  source: (o) => str(at(o, 'source', 'component')),
  type: (o) => str(at(o, 'type')),
};

const workload = { generation: true, subresources: { status: true, scale: true } };

export const BUILTIN_RESOURCES: ResourceType[] = [
  // core/v1
  defineResource({
    group: '',
    versions: ['v1'],
    resource: 'namespaces',
    kind: 'Namespace',
    namespaced: false,
    shortNames: ['ns'],
    subresources: { status: true, finalize: true },
    nameFormat: 'label',
    fieldSelectors: { 'status.phase': (o) => str(at(o, 'status', 'phase')) },
    verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
  }),
  defineResource({
    group: '',
    versions: ['v1'],
    resource: 'pods',
    kind: 'Pod',
    namespaced: true,
    shortNames: ['po'],
    categories: ['all'],
    subresources: { status: true, log: true, exec: true },
    generation: true,
    fieldSelectors: podFields,
  }),
  defineResource({
    group: '',
    versions: ['v1'],
    resource: 'services',
    kind: 'Service',
    namespaced: true,
    shortNames: ['svc'],
    categories: ['all'],
    subresources: { status: true },
    nameFormat: 'dns1035',
    returnDeletedObject: true,
    verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
  }),
  defineResource({
    group: '',
    versions: ['v1'],
    resource: 'endpoints',
    kind: 'Endpoints',
    namespaced: true,
    singular: 'endpoints',
    shortNames: ['ep'],
  }),
  defineResource({
    group: '',
    versions: ['v1'],
    resource: 'configmaps',
    kind: 'ConfigMap',
    namespaced: true,
    shortNames: ['cm'],
  }),
  defineResource({
    group: '',
    versions: ['v1'],
    resource: 'secrets',
    kind: 'Secret',
    namespaced: true,
    fieldSelectors: { type: (o) => str(at(o, 'type')) },
  }),
  defineResource({
    group: '',
    versions: ['v1'],
    resource: 'serviceaccounts',
    kind: 'ServiceAccount',
    namespaced: true,
    shortNames: ['sa'],
  }),
  defineResource({
    group: '',
    versions: ['v1'],
    resource: 'events',
    kind: 'Event',
    namespaced: true,
    shortNames: ['ev'],
    fieldSelectors: eventFields,
  }),
  defineResource({
    group: '',
    versions: ['v1'],
    resource: 'persistentvolumes',
    kind: 'PersistentVolume',
    namespaced: false,
    shortNames: ['pv'],
    subresources: { status: true },
  }),
  defineResource({
    group: '',
    versions: ['v1'],
    resource: 'persistentvolumeclaims',
    kind: 'PersistentVolumeClaim',
    namespaced: true,
    shortNames: ['pvc'],
    subresources: { status: true },
  }),
  defineResource({
    group: '',
    versions: ['v1'],
    resource: 'nodes',
    kind: 'Node',
    namespaced: false,
    shortNames: ['no'],
    subresources: { status: true },
  }),
  // apps/v1
  defineResource({
    group: 'apps',
    versions: ['v1'],
    resource: 'deployments',
    kind: 'Deployment',
    namespaced: true,
    shortNames: ['deploy'],
    categories: ['all'],
    ...workload,
  }),
  defineResource({
    group: 'apps',
    versions: ['v1'],
    resource: 'replicasets',
    kind: 'ReplicaSet',
    namespaced: true,
    shortNames: ['rs'],
    categories: ['all'],
    ...workload,
    fieldSelectors: { 'status.replicas': (o) => str(at(o, 'status', 'replicas') ?? 0) },
  }),
  defineResource({
    group: 'apps',
    versions: ['v1'],
    resource: 'statefulsets',
    kind: 'StatefulSet',
    namespaced: true,
    shortNames: ['sts'],
    categories: ['all'],
    ...workload,
  }),
  defineResource({
    group: 'apps',
    versions: ['v1'],
    resource: 'daemonsets',
    kind: 'DaemonSet',
    namespaced: true,
    shortNames: ['ds'],
    categories: ['all'],
    generation: true,
    subresources: { status: true },
  }),
  // batch/v1
  defineResource({
    group: 'batch',
    versions: ['v1'],
    resource: 'jobs',
    kind: 'Job',
    namespaced: true,
    categories: ['all'],
    generation: true,
    subresources: { status: true },
    fieldSelectors: { 'status.successful': (o) => str(at(o, 'status', 'succeeded') ?? 0) },
  }),
  defineResource({
    group: 'batch',
    versions: ['v1'],
    resource: 'cronjobs',
    kind: 'CronJob',
    namespaced: true,
    shortNames: ['cj'],
    categories: ['all'],
    generation: true,
    subresources: { status: true },
  }),
  // networking.k8s.io/v1
  defineResource({
    group: 'networking.k8s.io',
    versions: ['v1'],
    resource: 'ingresses',
    kind: 'Ingress',
    namespaced: true,
    shortNames: ['ing'],
    generation: true,
    subresources: { status: true },
  }),
  defineResource({
    group: 'networking.k8s.io',
    versions: ['v1'],
    resource: 'ingressclasses',
    kind: 'IngressClass',
    namespaced: false,
    generation: true,
  }),
  defineResource({
    group: 'networking.k8s.io',
    versions: ['v1'],
    resource: 'networkpolicies',
    kind: 'NetworkPolicy',
    namespaced: true,
    singular: 'networkpolicy',
    shortNames: ['netpol'],
    generation: true,
  }),
  // rbac.authorization.k8s.io/v1
  defineResource({
    group: 'rbac.authorization.k8s.io',
    versions: ['v1'],
    resource: 'roles',
    kind: 'Role',
    namespaced: true,
    nameFormat: 'path',
  }),
  defineResource({
    group: 'rbac.authorization.k8s.io',
    versions: ['v1'],
    resource: 'rolebindings',
    kind: 'RoleBinding',
    namespaced: true,
    nameFormat: 'path',
  }),
  defineResource({
    group: 'rbac.authorization.k8s.io',
    versions: ['v1'],
    resource: 'clusterroles',
    kind: 'ClusterRole',
    namespaced: false,
    nameFormat: 'path',
  }),
  defineResource({
    group: 'rbac.authorization.k8s.io',
    versions: ['v1'],
    resource: 'clusterrolebindings',
    kind: 'ClusterRoleBinding',
    namespaced: false,
    nameFormat: 'path',
  }),
  // coordination.k8s.io/v1
  defineResource({
    group: 'coordination.k8s.io',
    versions: ['v1'],
    resource: 'leases',
    kind: 'Lease',
    namespaced: true,
  }),
  // authorization.k8s.io/v1 (create-only review)
  defineResource({
    group: 'authorization.k8s.io',
    versions: ['v1'],
    resource: 'selfsubjectaccessreviews',
    kind: 'SelfSubjectAccessReview',
    namespaced: false,
    verbs: ['create'],
  }),
  // apiextensions.k8s.io/v1
  defineResource({
    group: 'apiextensions.k8s.io',
    versions: ['v1'],
    resource: 'customresourcedefinitions',
    kind: 'CustomResourceDefinition',
    namespaced: false,
    shortNames: ['crd', 'crds'],
    categories: ['api-extensions'],
    subresources: { status: true },
    generation: true,
  }),
  // workload.kcp.io/v1alpha1 (a CRD in kcp, served here as built-in; no strategic merge, like kcp)
  defineResource({
    group: 'workload.kcp.io',
    versions: ['v1alpha1'],
    resource: 'synctargets',
    kind: 'SyncTarget',
    namespaced: false,
    categories: ['kcp'],
    subresources: { status: true },
    generation: true,
    builtin: false,
  }),
  API_RESOURCE_IMPORT_TYPE,
];

/** The order groups appear in /apis discovery. */
export const BUILTIN_GROUP_ORDER = [
  'apps',
  'authorization.k8s.io',
  'batch',
  'networking.k8s.io',
  'rbac.authorization.k8s.io',
  'coordination.k8s.io',
  'apiextensions.k8s.io',
  'workload.kcp.io',
  'apiresource.kcp.io',
];
