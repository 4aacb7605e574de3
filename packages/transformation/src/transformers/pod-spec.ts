import type { GVR, KubeObject, ResourceTransformer, SyncContext } from '@kcp-tmc/interfaces';
import { injectable } from 'tsyringe';
import { isResource } from '../gvrs.js';
import { DefaultTransformerNames } from '../names.js';
import { downstreamConfigMapName } from './renames.js';

type JsonObject = Record<string, unknown>;

/** Where the pod template sits in each built-in kind that has one (group, resource → path to the template). */
export const POD_TEMPLATE_PATHS: ReadonlyArray<{ group: string; resource: string; path: readonly string[] }> =
  [
    { group: 'apps', resource: 'deployments', path: ['spec', 'template'] },
    { group: 'apps', resource: 'statefulsets', path: ['spec', 'template'] },
    { group: 'apps', resource: 'replicasets', path: ['spec', 'template'] },
    { group: 'apps', resource: 'daemonsets', path: ['spec', 'template'] },
    { group: 'batch', resource: 'jobs', path: ['spec', 'template'] },
    { group: 'batch', resource: 'cronjobs', path: ['spec', 'jobTemplate', 'spec', 'template'] },
    { group: '', resource: 'replicationcontrollers', path: ['spec', 'template'] },
    { group: '', resource: 'podtemplates', path: ['template'] },
  ];

function templatePath(gvr: GVR): readonly string[] | undefined {
  return POD_TEMPLATE_PATHS.find((p) => isResource(gvr, p.group, p.resource))?.path;
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function objectsIn(value: unknown): JsonObject[] {
  return Array.isArray(value) ? value.filter(isObject) : [];
}

function renameConfigMapRef(ref: unknown): void {
  if (isObject(ref) && typeof ref.name === 'string') ref.name = downstreamConfigMapName(ref.name);
}

function mutateContainer(container: JsonObject, upstreamNamespace: string): void {
  for (const env of objectsIn(container.env)) {
    const from = env.valueFrom;
    if (!isObject(from)) continue;
    renameConfigMapRef(from.configMapKeyRef);
    // The downward API would report the downstream namespace; the workload lives in its upstream one (as kcp).
    if (
      isObject(from.fieldRef) &&
      from.fieldRef.fieldPath === 'metadata.namespace' &&
      upstreamNamespace !== ''
    ) {
      delete env.valueFrom;
      env.value = upstreamNamespace;
    }
  }
  for (const envFrom of objectsIn(container.envFrom)) renameConfigMapRef(envFrom.configMapRef);
}

/** Mutates one pod spec in place. */
export function mutatePodSpec(spec: JsonObject, upstreamNamespace: string): void {
  // The downstream would mount its own service-account token, valid against the wrong API server.
  spec.automountServiceAccountToken = false;
  // Service accounts are not synced: a pod naming one the downstream lacks would be rejected (as kcp clears it).
  delete spec.serviceAccountName;
  delete spec.serviceAccount;
  for (const volume of objectsIn(spec.volumes)) {
    renameConfigMapRef(volume.configMap);
    if (isObject(volume.projected)) {
      for (const source of objectsIn(volume.projected.sources)) renameConfigMapRef(source.configMap);
    }
  }
  for (const key of ['containers', 'initContainers', 'ephemeralContainers']) {
    for (const container of objectsIn(spec[key])) mutateContainer(container, upstreamNamespace);
  }
}

/**
 * Pod templates of the built-in workload kinds ({@link POD_TEMPLATE_PATHS}), on the way down: service-account
 * token automount off and no service account name, references to the `kube-root-ca.crt` ConfigMap (volumes,
 * projected sources, env, envFrom) renamed to `kcp-root-ca.crt` as the ConfigMap itself is, and downward-API
 * `metadata.namespace` env vars resolved to the upstream namespace.
 */
@injectable()
export class PodSpecTransformer implements ResourceTransformer {
  readonly name = DefaultTransformerNames.PodSpec;

  shouldTransform(_object: KubeObject, context: SyncContext): boolean {
    return context.direction === 'down' && templatePath(context.gvr) !== undefined;
  }

  transform(object: KubeObject, context: SyncContext): KubeObject {
    let node: unknown = object;
    for (const step of templatePath(context.gvr) ?? []) node = isObject(node) ? node[step] : undefined;
    if (isObject(node) && isObject(node.spec)) mutatePodSpec(node.spec, context.key.namespace);
    return object;
  }
}
