import { isPlainObject, type KubeObject } from './types.js';

const SYNCER_VIEW_PREFIX = 'diff.syncer.internal.kcp.io/';

/**
 * kcp's status strategy takes the syncer view annotations from the new object, so that its syncer virtual
 * workspace can record a status write per SyncTarget (kcp-dev/kubernetes
 * apiextensions-apiserver/pkg/registry/customresource/status_strategy_patch.go).
 */
export function keepSyncerViewAnnotations(next: KubeObject, body: KubeObject): void {
  const annotations: Record<string, string> = {};
  for (const [k, v] of Object.entries(next.metadata.annotations ?? {})) {
    if (!k.startsWith(SYNCER_VIEW_PREFIX)) annotations[k] = v;
  }
  for (const [k, v] of Object.entries(
    isPlainObject(body.metadata) ? (body.metadata.annotations ?? {}) : {},
  )) {
    if (k.startsWith(SYNCER_VIEW_PREFIX)) annotations[k] = v;
  }
  if (Object.keys(annotations).length > 0 || next.metadata.annotations)
    next.metadata.annotations = annotations;
}
