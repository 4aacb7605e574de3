/**
 * List semantics of built-in kinds, the part of the OpenAPI schema that strategic merge patch and
 * server-side apply need: which lists merge by key (and by which keys), which are sets of scalars, and
 * which are atomic. Paths are field-name paths from the object root, list items skipped.
 */
export type ListSemantics =
  | { type: 'map'; keys: string[]; smpKey: string }
  | { type: 'set' }
  | { type: 'atomic' };

const ATOMIC: ListSemantics = { type: 'atomic' };
const byName: ListSemantics = { type: 'map', keys: ['name'], smpKey: 'name' };

function podSpecList(field: string): ListSemantics | undefined {
  switch (field) {
    case 'containers':
    case 'initContainers':
    case 'ephemeralContainers':
    case 'volumes':
    case 'imagePullSecrets':
    case 'resourceClaims':
    case 'schedulingGates':
      return byName;
    case 'hostAliases':
      return { type: 'map', keys: ['ip'], smpKey: 'ip' };
    case 'topologySpreadConstraints':
      return { type: 'map', keys: ['topologyKey', 'whenUnsatisfiable'], smpKey: 'topologyKey' };
    default:
      return undefined;
  }
}

function containerList(field: string): ListSemantics | undefined {
  switch (field) {
    case 'env':
      return byName;
    case 'ports':
      return { type: 'map', keys: ['containerPort', 'protocol'], smpKey: 'containerPort' };
    case 'volumeMounts':
      return { type: 'map', keys: ['mountPath'], smpKey: 'mountPath' };
    case 'volumeDevices':
      return { type: 'map', keys: ['devicePath'], smpKey: 'devicePath' };
    case 'resizePolicy':
      return { type: 'map', keys: ['resourceName'], smpKey: 'resourceName' };
    default:
      return undefined;
  }
}

const CONTAINER_LISTS = new Set(['containers', 'initContainers', 'ephemeralContainers']);

/** Semantics of the list at `path` (field names from the root) in an object of a built-in or custom kind. */
export function listSemantics(path: readonly string[], builtin: boolean): ListSemantics {
  const field = path[path.length - 1] ?? '';
  const parent = path[path.length - 2];
  if (path.length === 2 && path[0] === 'metadata') {
    if (field === 'finalizers') return { type: 'set' };
    if (field === 'ownerReferences') return { type: 'map', keys: ['uid'], smpKey: 'uid' };
    return ATOMIC;
  }
  if (!builtin) return ATOMIC;
  if (parent !== undefined && CONTAINER_LISTS.has(parent)) {
    return containerList(field) ?? ATOMIC;
  }
  // A pod spec sits at spec (Pod), spec.template.spec (workloads), spec.jobTemplate.spec.template.spec.
  if (parent === 'spec') {
    const pod = podSpecList(field);
    if (pod) return pod;
  }
  if (field === 'conditions' && parent === 'status') return { type: 'map', keys: ['type'], smpKey: 'type' };
  if (field === 'ports' && path.length === 2 && path[0] === 'spec') {
    return { type: 'map', keys: ['port', 'protocol'], smpKey: 'port' };
  }
  if (field === 'clusterIPs' || field === 'ipFamilies') return ATOMIC;
  return ATOMIC;
}
