import { API_RESOURCE_IMPORT_TYPE } from '../kcp/apiresource-import-type.js';
import { at, CORE_RESOURCES, str } from './builtins-core.js';
import { defineResource, type ResourceType } from './resource-type.js';

// The built-in resources the simulator serves, with the discovery facts (short names, categories,
// subresources) and field selectors kube-apiserver registers for them.

const workload = { generation: true, subresources: { status: true, scale: true } };

export const BUILTIN_RESOURCES: ResourceType[] = [
  ...CORE_RESOURCES,
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
