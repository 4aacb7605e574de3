import { createHash } from 'node:crypto';

const DIGITS = '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';

/** Go's big.Int.Text(62) of an unsigned big-endian byte string (leading zero bytes vanish). */
export function base62(bytes: Uint8Array): string {
  let n = 0n;
  for (const b of bytes) n = (n << 8n) | BigInt(b);
  if (n === 0n) return '0';
  let out = '';
  while (n > 0n) {
    out = DIGITS[Number(n % 62n)]! + out;
    n /= 62n;
  }
  return out;
}

/** The SyncTarget key kcp uses in per-target labels: base62(SHA-224("<cluster path>:<name>")). */
export function syncTargetKey(clusterPath: string, syncTargetName: string): string {
  const joined = clusterPath === '' ? syncTargetName : `${clusterPath}:${syncTargetName}`;
  return base62(createHash('sha224').update(joined).digest());
}

export function stateLabel(key: string): string {
  return `state.workload.kcp.io/${key}`;
}
