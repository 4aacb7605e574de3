import {
  DEFAULT_TOKEN_SECRET_PREFIX,
  downstreamObjectName,
  KCP_NAME_PREFIX,
  KCP_ROOT_CA_CONFIGMAP,
  KUBE_ROOT_CA_CONFIGMAP,
  type KubeObject,
  type ResourceTransformer,
  SECRETS_GVR,
  type SyncContext,
} from '@kcp-tmc/interfaces';
import { injectable } from 'tsyringe';
import { isConfigMaps, isSecrets } from '../gvrs.js';
import { DefaultTransformerNames } from '../names.js';

const configmapsGvr = { group: '', resource: 'configmaps' };

// kcp's names live in @kcp-tmc/interfaces (the downstream deletion finds renamed copies with them).
export { DEFAULT_TOKEN_SECRET_PREFIX, KCP_ROOT_CA_CONFIGMAP, KUBE_ROOT_CA_CONFIGMAP };

/** The downstream name of an upstream ConfigMap. */
export function downstreamConfigMapName(name: string): string {
  return downstreamObjectName(configmapsGvr, name, undefined);
}

/** The upstream name of a downstream ConfigMap. */
export function upstreamConfigMapName(name: string): string {
  return name === KCP_ROOT_CA_CONFIGMAP ? KUBE_ROOT_CA_CONFIGMAP : name;
}

/**
 * The downstream name of an upstream Secret: `default-token-*` of the `default` service account (by its
 * annotation, read before the secrets transformer strips it) becomes `kcp-default-token-*`; others keep theirs.
 */
export function downstreamSecretName(
  name: string,
  annotations: Readonly<Record<string, string>> | undefined,
): string {
  return downstreamObjectName(SECRETS_GVR, name, annotations);
}

/** The upstream name of a downstream Secret (the downstream copy has lost the annotation: the prefix decides). */
export function upstreamSecretName(name: string): string {
  return name.startsWith(KCP_NAME_PREFIX + DEFAULT_TOKEN_SECRET_PREFIX)
    ? name.slice(KCP_NAME_PREFIX.length)
    : name;
}

/**
 * kcp's renames (pkg/syncer/spec/spec_process.go, `getTransformedName`): objects whose names the downstream
 * uses for its own. `kube-root-ca.crt` ConfigMap → `kcp-root-ca.crt`; `default-token-*` Secrets of the
 * `default` service account → `kcp-default-token-*`. Back again on the way up.
 */
@injectable()
export class RenamesTransformer implements ResourceTransformer {
  readonly name = DefaultTransformerNames.Renames;

  shouldTransform(_object: KubeObject, context: SyncContext): boolean {
    return isConfigMaps(context.gvr) || isSecrets(context.gvr);
  }

  transform(object: KubeObject, context: SyncContext): KubeObject {
    const name = object.metadata.name;
    if (name === undefined) return object;
    const down = context.direction === 'down';
    if (isConfigMaps(context.gvr)) {
      object.metadata.name = down ? downstreamConfigMapName(name) : upstreamConfigMapName(name);
    } else {
      object.metadata.name = down
        ? downstreamSecretName(name, object.metadata.annotations)
        : upstreamSecretName(name);
    }
    return object;
  }
}
