import { encodeBase36Bytes, encodeBase62, sha224 } from '../encoding.js';
import { type NamespaceLocator, namespaceLocator, namespaceLocatorToJson } from './locator.js';

/**
 * The downstream namespace kcp's syncer creates for a locator: `"kcp-" + lower(base36(SHA-224(json)))[:12]`
 * (kcp: pkg/syncer/shared/namespace.go `PhysicalClusterNamespaceName`, base36 from
 * github.com/martinlindhe/base36 v1.1.1). The default naming mode: it is what kcp itself produces.
 */
export function physicalClusterNamespaceName(locator: NamespaceLocator): string {
  const digest = sha224(namespaceLocatorToJson(locator));
  return `kcp-${encodeBase36Bytes(digest).toLowerCase().slice(0, 12)}`;
}

/**
 * The name `kubectl kcp workload sync` gives a syncer's objects (namespace, ServiceAccount, roles, Secret,
 * Deployment, upstream and down): `kcp-syncer-<name>-` + lower(base36(SHA-224(SyncTarget uid)))[:8]
 * (kcp: pkg/cliplugins/workload/plugin/sync.go `getSyncerID`).
 */
export function syncerId(syncTargetName: string, syncTargetUid: string): string {
  return `kcp-syncer-${syncTargetName}-${encodeBase36Bytes(sha224(syncTargetUid)).toLowerCase().slice(0, 8)}`;
}

/**
 * The `kcp.io/tenant-id` label value: base62(SHA-224(json of the locator with the namespace emptied)), one
 * value per upstream workspace + SyncTarget (tmc: pkg/syncer/shared/helpers.go `GetTenantID`).
 */
export function tenantId(locator: NamespaceLocator): string {
  const clusterWide = namespaceLocator(locator.cluster, locator.syncTarget, '');
  return encodeBase62(sha224(namespaceLocatorToJson(clusterWide)));
}

const MAX_LABEL_LENGTH = 63;
const HASH_LENGTH = 10;
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/**
 * Readable naming mode (an option, never the default): `kcp-<cluster>-<namespace>`, lower-cased, every
 * character outside `[a-z0-9-]` (the `:` of workspace paths included) turned into `-`. When that is longer than
 * 63 characters, or had to change anything but `:` (so two inputs could meet), the name is cut and ends in
 * `-` + 10 base36 characters of SHA-224 over the exact `cluster/namespace` (`/` is in neither), which keeps it a
 * DNS-1123 label of at most 63 characters and tells different inputs apart.
 *
 * The join itself is ambiguous (`root:a` + `b-c` and `root:a-b` + `c` both read `kcp-root-a-b-c`): as with
 * kcp's hashed names, the owner of downstream namespaces must compare the locator annotation of a namespace it
 * finds before using it.
 */
export function readableNamespaceName(cluster: string, namespace: string): string {
  if (namespace === '') throw new TypeError('readableNamespaceName: namespace must not be empty');
  const joined = cluster === '' ? `kcp-${namespace}` : `kcp-${cluster}-${namespace}`;
  const sanitized = joined.toLowerCase().replace(/[^a-z0-9-]/g, '-');
  const lossy = sanitized !== joined.replaceAll(':', '-');
  if (!lossy && sanitized.length <= MAX_LABEL_LENGTH && DNS1123_LABEL.test(sanitized)) return sanitized;
  const hash = encodeBase36Bytes(sha224(`${cluster}/${namespace}`))
    .toLowerCase()
    .slice(0, HASH_LENGTH);
  const head = sanitized.slice(0, MAX_LABEL_LENGTH - HASH_LENGTH - 1).replace(/-+$/, '');
  return `${head}-${hash}`;
}

/** How downstream namespaces are named: kcp's hashed names (the default) or the readable option. */
export type NamespaceNaming = 'hashed' | 'readable';

/**
 * The name a downstream namespace gets for a locator when none carries it yet: kcp's
 * {@link physicalClusterNamespaceName}, or {@link readableNamespaceName} in readable mode. Whoever creates or
 * looks for the namespace uses this one rule, so the spec path and the delete path always agree.
 */
export function downstreamNamespaceName(locator: NamespaceLocator, naming: NamespaceNaming): string {
  return naming === 'readable'
    ? readableNamespaceName(locator.cluster, locator.namespace)
    : physicalClusterNamespaceName(locator);
}
