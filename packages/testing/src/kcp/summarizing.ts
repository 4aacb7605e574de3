import { cloneJson, isPlainObject, type KubeObject } from '../api/types.js';
import { SUMMARIZING_RULES_ANNOTATION } from './workload-names.js';

/** A field kept per SyncTarget in the syncer view annotation (kcp's transformations.FieldToSummarize). */
export interface SummarizedField {
  path: string;
  promote: boolean;
  isStatus: boolean;
}

/**
 * The fields a syncer may report per SyncTarget: `status`, promotable, unless the object names its own
 * rules in `experimental.summarizing.workload.kcp.io` (pkg/virtual/syncer/transformations/defaultsummarizing.go).
 */
export function summarizedFields(obj: KubeObject): SummarizedField[] {
  const encoded = obj.metadata.annotations?.[SUMMARIZING_RULES_ANNOTATION];
  if (!encoded) return [{ path: 'status', promote: true, isStatus: true }];
  const decoded: unknown = JSON.parse(encoded);
  if (!Array.isArray(decoded)) throw new Error(`${SUMMARIZING_RULES_ANNOTATION} is not a list`);
  return decoded.map((f) => {
    const path = isPlainObject(f) && typeof f.fieldPath === 'string' ? f.fieldPath : '';
    return { path, promote: isPlainObject(f) && f.PromoteToUpstream === true, isStatus: path === 'status' };
  });
}

type Tree = Record<string, unknown>;

export function getField(obj: KubeObject, path: string): { exists: boolean; value?: unknown } {
  let cur: unknown = obj;
  for (const part of path.split('.')) {
    if (!isPlainObject(cur) || !(part in cur)) return { exists: false };
    cur = cur[part];
  }
  return { exists: true, value: cur };
}

export function setField(obj: KubeObject, path: string, value: unknown): void {
  const parts = path.split('.');
  let cur = obj as Tree;
  for (const part of parts.slice(0, -1)) {
    if (!isPlainObject(cur[part])) cur[part] = {};
    cur = cur[part] as Tree;
  }
  cur[parts[parts.length - 1]!] = cloneJson(value);
}

export function deleteField(obj: KubeObject, path: string): void {
  const parts = path.split('.');
  let cur: unknown = obj;
  for (const part of parts.slice(0, -1)) {
    if (!isPlainObject(cur)) return;
    cur = cur[part];
  }
  if (isPlainObject(cur)) delete cur[parts[parts.length - 1]!];
}
