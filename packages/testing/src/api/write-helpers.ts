import type { ResourceType } from './resource-type.js';
import { type FieldError, fieldForbidden } from './status.js';
import { isPlainObject, jsonEqual, type KubeObject } from './types.js';

/** Everything but metadata (and status, when status is a subresource): what a generation tracks. */
export function specPart(obj: KubeObject, rt: ResourceType): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) {
    if (k === 'metadata' || k === 'apiVersion' || k === 'kind') continue;
    if (k === 'status' && rt.subresources.status) continue;
    out[k] = v;
  }
  return out;
}

/** Whether two versions of an object differ in anything but resourceVersion. */
export function sameObject(a: KubeObject, b: KubeObject): boolean {
  const strip = (o: KubeObject) => ({ ...o, metadata: { ...o.metadata, resourceVersion: undefined } });
  return jsonEqual(strip(a), strip(b));
}

export function newFinalizerErrors(obj: KubeObject, old: KubeObject): FieldError[] {
  if (!old.metadata.deletionTimestamp) return [];
  const before = new Set(old.metadata.finalizers ?? []);
  const added = (obj.metadata.finalizers ?? []).filter((f) => !before.has(f));
  if (added.length === 0) return [];
  return [
    fieldForbidden(
      'metadata.finalizers',
      `no new finalizers can be added if the object is being deleted, found new finalizers []string{${added.map((f) => `"${f}"`).join(', ')}}`,
    ),
  ];
}

/** Whether a deleting object has nothing left holding it (metadata and, for namespaces, spec finalizers). */
export function readyToRemove(obj: KubeObject, rt: ResourceType): boolean {
  if (!obj.metadata.deletionTimestamp) return false;
  if ((obj.metadata.finalizers ?? []).length > 0) return false;
  if (rt.group === '' && rt.resource === 'namespaces') {
    const spec = obj.spec;
    if (isPlainObject(spec) && Array.isArray(spec.finalizers) && spec.finalizers.length > 0) return false;
  }
  return true;
}

export function serializedSize(obj: KubeObject): number {
  return Buffer.byteLength(JSON.stringify(obj));
}

/**
 * ObjectMeta's maps and lists are `omitempty` in kube-apiserver's typed objects: an empty `annotations: {}`
 * (which kubectl's apply and diff patches send) or `finalizers: []` is never stored or returned.
 */
export function dropEmptyMetadata(meta: KubeObject['metadata']): void {
  for (const k of ['labels', 'annotations'] as const) {
    const v = meta[k];
    if (isPlainObject(v) && Object.keys(v).length === 0) delete meta[k];
  }
  for (const k of ['finalizers', 'ownerReferences'] as const) {
    const v = meta[k];
    if (Array.isArray(v) && v.length === 0) delete meta[k];
  }
}
