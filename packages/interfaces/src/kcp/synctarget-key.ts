import { encodeBase62, sha224 } from './encoding.js';

/**
 * The SyncTarget key: the suffix of every per-target label, annotation and finalizer. kcp computes
 * `base62(sha256.Sum224(clusterName.Path().Join(name)))` (kcp: pkg/apis/workload/v1alpha1/helpers.go
 * `ToSyncTargetKey`), where `Join` puts `:` between path and name, or returns the name alone for an empty
 * path (lc: path.go). Base 62 is Go's `big.Int.Text(62)`, so a hash with leading zero bytes gives a shorter key.
 */
export function toSyncTargetKey(clusterName: string, syncTargetName: string): string {
  const path = clusterName === '' ? syncTargetName : `${clusterName}:${syncTargetName}`;
  return encodeBase62(sha224(path));
}
