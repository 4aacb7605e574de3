import type { GVR } from './gvr.js';

/**
 * Where an object lives: logical cluster + GVR + namespace + name. Every cache, queue and state store keys
 * objects by it, so same-named objects in different logical clusters never collide.
 */
export interface ClusterKey {
  /** Logical cluster name (kcp), or the configured constant in plain mode. */
  readonly cluster: string;
  readonly gvr: GVR;
  /** `''` for cluster-scoped objects. */
  readonly namespace: string;
  readonly name: string;
}

/**
 * The cluster name of objects outside kcp: the downstream cluster, and the upstream in plain mode when no
 * `--from-cluster` is given. Informers key objects without a `kcp.io/cluster` annotation under it.
 */
export const DEFAULT_CLUSTER_NAME = 'default';

// `/` cannot appear in a logical cluster name, an API group, version or resource, or in an object name or
// namespace (the REST path would break), so it is a safe separator. Empty segments are meaningful (core group,
// cluster scope), so the key always has exactly six.
const SEPARATOR = '/';

export function clusterKey(cluster: string, gvr: GVR, namespace: string, name: string): ClusterKey {
  return { cluster, gvr, namespace, name };
}

export function encodeClusterKey(key: ClusterKey): string {
  // Every cache and queue lookup encodes a key: checked part by part and joined in one template, no array.
  const { cluster, gvr, namespace, name } = key;
  checkKeyPart(cluster);
  checkKeyPart(gvr.group);
  checkKeyPart(gvr.version);
  checkKeyPart(gvr.resource);
  checkKeyPart(namespace);
  checkKeyPart(name);
  return `${cluster}/${gvr.group}/${gvr.version}/${gvr.resource}/${namespace}/${name}`;
}

function checkKeyPart(part: string): void {
  if (part.includes(SEPARATOR)) {
    throw new TypeError(`cluster key part "${part}" contains "${SEPARATOR}"`);
  }
}

export function decodeClusterKey(encoded: string): ClusterKey {
  const parts = encoded.split(SEPARATOR);
  if (parts.length !== 6) {
    throw new TypeError(
      `invalid cluster key "${encoded}": expected 6 "/"-separated parts, got ${parts.length}`,
    );
  }
  const [cluster, group, version, resource, namespace, name] = parts as [
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  if (cluster === '' || version === '' || resource === '' || name === '') {
    throw new TypeError(`invalid cluster key "${encoded}": cluster, version, resource and name must be set`);
  }
  return { cluster, gvr: { group, version, resource }, namespace, name };
}

export function clusterKeyEquals(a: ClusterKey, b: ClusterKey): boolean {
  return encodeClusterKey(a) === encodeClusterKey(b);
}

/** Which way a piece of work goes: `down` (upstream spec → downstream) or `up` (downstream status/events → upstream). */
export type SyncDirection = 'down' | 'up';

/** The work-queue key: `down|<ClusterKey>` or `up|<ClusterKey>` (ARCHITECTURE.md, data flow step 2). */
export function encodeQueueKey(direction: SyncDirection, key: ClusterKey): string {
  return `${direction}|${encodeClusterKey(key)}`;
}

export function decodeQueueKey(encoded: string): { direction: SyncDirection; key: ClusterKey } {
  const bar = encoded.indexOf('|');
  const direction = encoded.slice(0, bar);
  if (bar < 0 || (direction !== 'down' && direction !== 'up')) {
    throw new TypeError(`invalid queue key "${encoded}": expected "down|..." or "up|..."`);
  }
  return { direction, key: decodeClusterKey(encoded.slice(bar + 1)) };
}
