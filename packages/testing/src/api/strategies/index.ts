import type { ResourceType } from '../resource-type.js';
import type { Strategy } from '../strategy.js';
import {
  configMapStrategy,
  namespaceStrategy,
  persistentVolumeClaimStrategy,
  persistentVolumeStrategy,
  podStrategy,
  secretStrategy,
  serviceStrategy,
} from './core.js';
import { crdStrategy } from './crd.js';
import {
  cronJobStrategy,
  daemonSetStrategy,
  deploymentStrategy,
  jobStrategy,
  replicaSetStrategy,
  statefulSetStrategy,
} from './workloads.js';

const STRATEGIES = new Map<string, Strategy>([
  ['/namespaces', namespaceStrategy],
  ['/pods', podStrategy],
  ['/services', serviceStrategy],
  ['/configmaps', configMapStrategy],
  ['/secrets', secretStrategy],
  ['/persistentvolumes', persistentVolumeStrategy],
  ['/persistentvolumeclaims', persistentVolumeClaimStrategy],
  ['apps/deployments', deploymentStrategy],
  ['apps/replicasets', replicaSetStrategy],
  ['apps/statefulsets', statefulSetStrategy],
  ['apps/daemonsets', daemonSetStrategy],
  ['batch/jobs', jobStrategy],
  ['batch/cronjobs', cronJobStrategy],
  ['apiextensions.k8s.io/customresourcedefinitions', crdStrategy],
]);

const NONE: Strategy = {};

export function strategyFor(rt: ResourceType): Strategy {
  return STRATEGIES.get(`${rt.group}/${rt.resource}`) ?? NONE;
}
