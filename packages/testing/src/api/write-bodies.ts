import type { ManagerIdentity } from '../patch/managed-fields.js';
import { generateName, KCP_CLUSTER_ANNOTATION, newUid } from './meta.js';
import { groupVersion, type ResourceType } from './resource-type.js';
import { conflict, fieldRequired, invalid, successStatus } from './status.js';
import type { DeleteOptions } from './target.js';
import { cloneJson, isPlainObject, jsonEqual, type KubeObject } from './types.js';
import { dropEmptyMetadata, specPart } from './write-helpers.js';

// The object-shaping steps of ResourceService's writes: what kube-apiserver sets, keeps and drops before a
// strategy and validation see the object.

/** A created object's server-set identity and metadata (BeforeCreate), before the strategy runs; its name. */
export function prepareCreate(
  rt: ResourceType,
  body: KubeObject,
  namespace: string | undefined,
  cluster: string,
  now: string,
  kcp: boolean,
): string {
  const meta = body.metadata;
  body.apiVersion = groupVersion(rt.group, rt.versions[0]!);
  body.kind = rt.kind;
  if (rt.namespaced) meta.namespace = namespace ?? meta.namespace;
  else delete meta.namespace;
  if (!meta.name && meta.generateName) meta.name = generateName(meta.generateName);
  if (!meta.name) {
    throw invalid(rt.group, rt.kind, '', [
      fieldRequired('metadata.name', 'name or generateName is required'),
    ]);
  }
  meta.uid = newUid();
  meta.creationTimestamp = now;
  delete meta.resourceVersion;
  delete meta.deletionTimestamp;
  delete meta.deletionGracePeriodSeconds;
  delete meta.selfLink;
  dropEmptyMetadata(meta);
  if (rt.generation) meta.generation = 1;
  else delete meta.generation;
  if (kcp) meta.annotations = { ...meta.annotations, [KCP_CLUSTER_ANNOTATION]: cluster };
  if (rt.subresources.status) delete body.status;
  return meta.name;
}

/** A status write changes only status (ResetObjectMetaForStatus keeps metadata). */
export function statusUpdate(old: KubeObject, body: KubeObject): KubeObject {
  const next: KubeObject = { ...cloneJson(old), status: body.status };
  if (body.status === undefined) delete next.status;
  return next;
}

/** A namespace's finalize write changes only spec.finalizers. */
export function finalizeUpdate(old: KubeObject, body: KubeObject): KubeObject {
  const spec = isPlainObject(old.spec) ? old.spec : {};
  const finalizers = isPlainObject(body.spec) ? body.spec.finalizers : undefined;
  return { ...cloneJson(old), spec: { ...cloneJson(spec), finalizers: finalizers ?? [] } };
}

/** A main-resource write keeps the server-owned metadata and, with a status subresource, the old status. */
export function mainUpdate(
  rt: ResourceType,
  old: KubeObject,
  next: KubeObject,
  cluster: string,
  kcp: boolean,
): void {
  next.apiVersion = old.apiVersion;
  next.kind = old.kind;
  if (rt.subresources.status) {
    if (old.status === undefined) delete next.status;
    else next.status = cloneJson(old.status);
  }
  const m = next.metadata;
  const o = old.metadata;
  m.name = o.name;
  if (o.namespace !== undefined) m.namespace = o.namespace;
  else delete m.namespace;
  m.uid = o.uid;
  m.creationTimestamp = o.creationTimestamp;
  for (const k of ['deletionTimestamp', 'deletionGracePeriodSeconds', 'generation'] as const) {
    if (o[k] === undefined) delete m[k];
    else (m as Record<string, unknown>)[k] = o[k];
  }
  delete m.selfLink;
  dropEmptyMetadata(m);
  if (kcp) m.annotations = { ...m.annotations, [KCP_CLUSTER_ANNOTATION]: cluster };
}

/** The generation bump after the strategy ran: only a change outside metadata (and status) counts. */
export function bumpGeneration(rt: ResourceType, old: KubeObject, next: KubeObject): void {
  if (rt.generation && !jsonEqual(specPart(next, rt), specPart(old, rt))) {
    next.metadata.generation = (old.metadata.generation ?? 0) + 1;
  }
}

/** DeleteOptions.preconditions: a uid or resourceVersion that no longer matches is a 409 Conflict. */
export function checkDeletePreconditions(rt: ResourceType, old: KubeObject, opts: DeleteOptions): void {
  const pre = opts.preconditions;
  const name = old.metadata.name!;
  if (pre?.uid && pre.uid !== old.metadata.uid) {
    throw conflict(
      rt,
      name,
      `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${old.metadata.uid}`,
    );
  }
  if (pre?.resourceVersion && pre.resourceVersion !== old.metadata.resourceVersion) {
    throw conflict(
      rt,
      name,
      `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${old.metadata.resourceVersion}`,
    );
  }
}

/** The finalizers a delete leaves on the object: its own plus the propagation policy's (orphan, foreground). */
export function deletionFinalizers(old: KubeObject, opts: DeleteOptions): string[] {
  const finalizers = [...(old.metadata.finalizers ?? [])];
  const policy = opts.propagationPolicy ?? (opts.orphanDependents === true ? 'Orphan' : undefined);
  const add = (f: string) => {
    if (!finalizers.includes(f)) finalizers.push(f);
  };
  if (policy === 'Orphan') add('orphan');
  if (policy === 'Foreground') add('foregroundDeletion');
  return finalizers;
}

/** The object marked for deletion while finalizers hold it; a namespace turns Terminating. */
export function markDeleting(
  old: KubeObject,
  finalizers: string[],
  now: string,
  isNamespace: boolean,
): KubeObject {
  const next = cloneJson(old);
  next.metadata.deletionTimestamp ??= now;
  next.metadata.deletionGracePeriodSeconds ??= 0;
  next.metadata.finalizers = finalizers;
  if (isNamespace) next.status = { ...(isPlainObject(next.status) ? next.status : {}), phase: 'Terminating' };
  return next;
}

/** The Status kube-apiserver answers a delete with for types that do not return the deleted object. */
export function deletedStatus(rt: ResourceType, obj: KubeObject): Record<string, unknown> {
  return successStatus({
    name: obj.metadata.name!,
    group: rt.group,
    kind: rt.resource,
    uid: obj.metadata.uid!,
  });
}

/** A managedFields entry for an apply that creates the object. */
export function idEntry(id: ManagerIdentity) {
  return {
    manager: id.manager,
    operation: id.operation,
    apiVersion: id.apiVersion,
    time: id.time,
    fieldsType: 'FieldsV1' as const,
    ...(id.subresource ? { subresource: id.subresource } : {}),
  };
}

export function isKubeObject(v: unknown): v is KubeObject {
  return isPlainObject(v) && isPlainObject(v.metadata) && v.kind !== 'Status';
}
