import { createHash } from 'node:crypto';
import { canonicalJson } from '@kcp-tmc/interfaces';

/**
 * The `ResourceState.upstreamSpec` of an upstream spec: the first 32 hex digits of SHA-256 over the spec as
 * key-sorted JSON (absent: `null`), the format @kcp-tmc/upstream compares with (SYNCED_SPEC_ANNOTATION's).
 */
export function upstreamSpecFingerprint(spec: unknown): string {
  return createHash('sha256')
    .update(canonicalJson(spec ?? null))
    .digest('hex')
    .slice(0, 32);
}
