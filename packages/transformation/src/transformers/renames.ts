import type { KubeObject, ResourceTransformer, SyncContext } from '@kcp-tmc/interfaces';
import { injectable } from 'tsyringe';
import { isConfigMaps } from '../gvrs.js';
import { DefaultTransformerNames } from '../names.js';

/** The upstream's CA bundle ConfigMap, which every namespace has (kube-controller-manager's root-ca publisher). */
export const KUBE_ROOT_CA_CONFIGMAP = 'kube-root-ca.crt';
/** Its name downstream, where the physical cluster publishes its own `kube-root-ca.crt` (kcp's rename). */
export const KCP_ROOT_CA_CONFIGMAP = 'kcp-root-ca.crt';

/** The downstream name of an upstream ConfigMap (the pod-spec transformer renames references the same way). */
export function downstreamConfigMapName(name: string): string {
  return name === KUBE_ROOT_CA_CONFIGMAP ? KCP_ROOT_CA_CONFIGMAP : name;
}

/** The upstream name of a downstream ConfigMap. */
export function upstreamConfigMapName(name: string): string {
  return name === KCP_ROOT_CA_CONFIGMAP ? KUBE_ROOT_CA_CONFIGMAP : name;
}

/**
 * Renames objects whose name the downstream already uses for its own: `kube-root-ca.crt` → `kcp-root-ca.crt` on
 * the way down, and back on the way up. (kcp also renamed `default-token-*` secrets; those are service-account
 * tokens, which never sync here.)
 */
@injectable()
export class RenamesTransformer implements ResourceTransformer {
  readonly name = DefaultTransformerNames.Renames;

  shouldTransform(_object: KubeObject, context: SyncContext): boolean {
    return isConfigMaps(context.gvr);
  }

  transform(object: KubeObject, context: SyncContext): KubeObject {
    const name = object.metadata.name;
    if (name !== undefined) {
      object.metadata.name =
        context.direction === 'down' ? downstreamConfigMapName(name) : upstreamConfigMapName(name);
    }
    return object;
  }
}
