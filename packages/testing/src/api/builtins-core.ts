import { defineResource, type ResourceType } from './resource-type.js';

// The core/v1 resources the simulator serves, with the discovery facts and field selectors kube-apiserver
// registers for them.

/** A field selector's value: the field as a string, '' when unset. */
export function str(value: unknown): string | undefined {
  if (value === undefined || value === null) return '';
  return typeof value === 'string' ? value : String(value);
}

export function at(obj: Record<string, unknown>, ...path: string[]): unknown {
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

export const CORE_RESOURCES: ResourceType[] = [
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
];
