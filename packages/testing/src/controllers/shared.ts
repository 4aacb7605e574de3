import { createHash, randomBytes } from 'node:crypto';
import { timestamp } from '../api/meta.js';
import { isPlainObject, type KubeObject, type OwnerReference } from '../api/types.js';
import type { InProcessClient } from './client.js';

export type Obj = Record<string, unknown>;

export function key(cluster: string, namespace: string, name: string): string {
  return `${cluster}\u0000${namespace}\u0000${name}`;
}

/** Where a reconcile looks: an object's logical cluster, namespace and name. */
export interface ObjectKey {
  readonly cluster: string;
  readonly namespace: string;
  readonly name: string;
}

/** The object at `at` unless it is gone or being deleted: then there is nothing to reconcile. */
export function liveObject(client: InProcessClient, group: string, resource: string, at: ObjectKey) {
  const object = client.get(at.cluster, group, resource, at.namespace, at.name);
  return object?.metadata.deletionTimestamp ? undefined : object;
}

export function parseKey(k: string): [string, string, string] {
  return k.split('\u0000') as [string, string, string];
}

export function controllerRef(owner: KubeObject): OwnerReference {
  return {
    apiVersion: owner.apiVersion!,
    kind: owner.kind!,
    name: owner.metadata.name!,
    uid: owner.metadata.uid!,
    controller: true,
    blockOwnerDeletion: true,
  };
}

export function ownedBy(obj: KubeObject, owner: KubeObject): boolean {
  return (obj.metadata.ownerReferences ?? []).some(
    (r) => r.uid === owner.metadata.uid && r.controller === true,
  );
}

export function controllerOf(obj: KubeObject): OwnerReference | undefined {
  return (obj.metadata.ownerReferences ?? []).find((r) => r.controller === true);
}

export function spec(obj: KubeObject): Obj {
  return isPlainObject(obj.spec) ? obj.spec : {};
}

export function status(obj: KubeObject): Obj {
  return isPlainObject(obj.status) ? obj.status : {};
}

/** The pod-template-hash label value: a short stable hash of the template, as the deployment controller uses. */
export function templateHash(template: unknown): string {
  const digest = createHash('sha256')
    .update(JSON.stringify(template ?? {}))
    .digest();
  const alphabet = 'bcdfghjklmnpqrstvwxz2456789';
  let out = '';
  for (let i = 0; i < 10; i++) out += alphabet[digest[i]! % alphabet.length];
  return out;
}

export function isPodReady(pod: KubeObject): boolean {
  const conditions = status(pod).conditions;
  return (
    Array.isArray(conditions) &&
    conditions.some((c) => isPlainObject(c) && c.type === 'Ready' && c.status === 'True')
  );
}

export function podPhase(pod: KubeObject): string {
  return String(status(pod).phase ?? 'Pending');
}

/** Records a core/v1 Event about an object, as kubelet and controllers do. */
export function recordEvent(
  client: InProcessClient,
  cluster: string,
  about: KubeObject,
  type: 'Normal' | 'Warning',
  reason: string,
  message: string,
  component: string,
  fieldPath?: string,
): void {
  const namespace = about.metadata.namespace ?? 'default';
  const now = timestamp();
  const involved: Obj = {
    kind: about.kind,
    namespace: about.metadata.namespace,
    name: about.metadata.name,
    uid: about.metadata.uid,
    apiVersion: about.apiVersion,
    resourceVersion: about.metadata.resourceVersion,
  };
  if (fieldPath) involved.fieldPath = fieldPath;
  try {
    client.create(
      cluster,
      '',
      'events',
      namespace,
      {
        apiVersion: 'v1',
        kind: 'Event',
        metadata: { name: `${about.metadata.name}.${randomBytes(8).toString('hex')}`, namespace },
        involvedObject: involved,
        reason,
        message,
        source: component === 'kubelet' ? { component, host: 'sim-node' } : { component },
        firstTimestamp: now,
        lastTimestamp: now,
        count: 1,
        type,
        eventTime: null,
        reportingComponent: component,
        reportingInstance: component === 'kubelet' ? 'sim-node' : '',
      },
      component,
    );
  } catch {
    // Events are best effort (the namespace may be terminating).
  }
}
