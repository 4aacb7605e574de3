import { SERVICE_ACCOUNT_NAME_ANNOTATION } from './labels.js';

// kcp's renames of objects whose names the downstream uses for its own (kcp: pkg/syncer/spec/spec_process.go,
// `getTransformedName`). Shared by the transformation that renames and the deletion that must find the copy.

/** The upstream's CA bundle ConfigMap, which every namespace has (kube-controller-manager's root-ca publisher). */
export const KUBE_ROOT_CA_CONFIGMAP = 'kube-root-ca.crt';
/** Its name downstream, where the physical cluster publishes its own `kube-root-ca.crt`. */
export const KCP_ROOT_CA_CONFIGMAP = 'kcp-root-ca.crt';
/** Token Secrets of the `default` service account (legacy token controller names), renamed downstream. */
export const DEFAULT_TOKEN_SECRET_PREFIX = 'default-token-';
/** What kcp puts in front of the names it takes over from the downstream's own objects. */
export const KCP_NAME_PREFIX = 'kcp-';

/**
 * The downstream name of an upstream object: ConfigMap `kube-root-ca.crt` → `kcp-root-ca.crt`; Secret
 * `default-token-*` of the `default` service account (by its upstream annotation) → `kcp-default-token-*`.
 */
export function downstreamObjectName(
  resource: { readonly group: string; readonly resource: string },
  name: string,
  annotations: Readonly<Record<string, string>> | undefined,
): string {
  if (resource.group !== '') return name;
  if (resource.resource === 'configmaps' && name === KUBE_ROOT_CA_CONFIGMAP) return KCP_ROOT_CA_CONFIGMAP;
  if (
    resource.resource === 'secrets' &&
    name.startsWith(DEFAULT_TOKEN_SECRET_PREFIX) &&
    annotations?.[SERVICE_ACCOUNT_NAME_ANNOTATION] === 'default'
  ) {
    return KCP_NAME_PREFIX + name;
  }
  return name;
}

/**
 * The upstream name of a downstream object, {@link downstreamObjectName} reversed: `kcp-root-ca.crt` →
 * `kube-root-ca.crt`, `kcp-default-token-*` → `default-token-*`. Used to find the upstream object of a
 * downstream one whose origin this process never saw (after a restart).
 */
export function upstreamObjectName(
  resource: { readonly group: string; readonly resource: string },
  name: string,
): string {
  if (resource.group !== '') return name;
  if (resource.resource === 'configmaps' && name === KCP_ROOT_CA_CONFIGMAP) return KUBE_ROOT_CA_CONFIGMAP;
  if (resource.resource === 'secrets' && name.startsWith(KCP_NAME_PREFIX + DEFAULT_TOKEN_SECRET_PREFIX)) {
    return name.slice(KCP_NAME_PREFIX.length);
  }
  return name;
}
