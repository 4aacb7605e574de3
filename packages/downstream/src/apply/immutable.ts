import { canonicalJson, type KubeObject } from '@kcp-tmc/interfaces';
import { normalizeDesired } from '../diff/differ.js';

/** Whether writing `desired` over `live` would change an immutable ConfigMap or Secret (so it must be replaced). */
export function isImmutableChange(desired: KubeObject, live: KubeObject): boolean {
  if (live.immutable !== true) return false;
  if (live.kind !== 'ConfigMap' && live.kind !== 'Secret') return false;
  const want = normalizeDesired(desired) as Record<string, unknown>;
  // Secrets: `stringData` is folded into `data` by the server; compare in that form.
  const liveData: Record<string, unknown> = { ...(live.data as object) };
  const wantData: Record<string, unknown> = { ...(want.data as object) };
  for (const [k, v] of Object.entries((want.stringData as Record<string, string>) ?? {})) {
    wantData[k] = Buffer.from(v, 'utf8').toString('base64');
  }
  if (canonicalJson(liveData) !== canonicalJson(wantData)) return true;
  if (canonicalJson(live.binaryData ?? {}) !== canonicalJson(want.binaryData ?? {})) return true;
  return want.immutable !== true;
}
