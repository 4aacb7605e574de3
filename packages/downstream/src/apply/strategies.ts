import type { ApplyStrategy, GVR, KubeClient, KubeObject } from '@kcp-tmc/interfaces';

export interface WriteTarget {
  readonly client: KubeClient;
  readonly gvr: GVR;
  readonly fieldManager: string;
}

function scope(object: KubeObject): { namespace?: string } {
  const namespace = object.metadata.namespace;
  return namespace === undefined || namespace === '' ? {} : { namespace };
}

function ref(object: KubeObject) {
  return { name: object.metadata.name as string, ...scope(object) };
}

/**
 * Creates the object by POST, whatever the strategy (read-only never gets here): a create cannot take over an
 * object someone else made (AlreadyExists), so none has to be read first. Under server-side apply our fields
 * are then held by an Update entry of our manager; own-apply-entry.ts turns it into our Apply entry when a later
 * apply needs it.
 */
export function createObject(target: WriteTarget, object: KubeObject): Promise<KubeObject> {
  return target.client.create(target.gvr, withoutResourceVersion(object), scope(object), {
    fieldManager: target.fieldManager,
  });
}

function withoutResourceVersion(object: KubeObject): KubeObject {
  const metadata = { ...object.metadata };
  delete metadata.resourceVersion;
  return { ...object, metadata };
}

/**
 * Writes an existing object by the GVR's strategy. `live` is the object read (its resourceVersion makes update
 * optimistic); `force` takes fields other managers hold (server-side apply) or drops the resourceVersion (update).
 */
export function updateObject(
  target: WriteTarget,
  strategy: ApplyStrategy,
  object: KubeObject,
  live: KubeObject,
  force: boolean,
): Promise<KubeObject> {
  switch (strategy) {
    case 'server-side-apply':
      return target.client.patch(target.gvr, ref(object), 'apply', withoutResourceVersion(object), {
        fieldManager: target.fieldManager,
        force,
      });
    case 'update': {
      const metadata = { ...object.metadata };
      if (force) delete metadata.resourceVersion;
      else if (live.metadata.resourceVersion !== undefined)
        metadata.resourceVersion = live.metadata.resourceVersion;
      // Status is the status syncer's: keep the server's.
      const body: KubeObject = { ...object, metadata };
      if (live.status !== undefined) body.status = live.status;
      return target.client.update(target.gvr, body, scope(object), { fieldManager: target.fieldManager });
    }
    case 'merge':
      return target.client.patch(target.gvr, ref(object), 'merge', mergePatch(object, live, force), {
        fieldManager: target.fieldManager,
      });
    case 'create-only':
    case 'read-only':
      return Promise.resolve(live);
  }
}

/** A JSON merge patch to `object`: its fields, plus nulls for labels/annotations no longer wanted. */
function mergePatch(object: KubeObject, live: KubeObject, force: boolean): KubeObject {
  const metadata: Record<string, unknown> = { ...object.metadata };
  for (const field of ['labels', 'annotations'] as const) {
    const want = object.metadata[field] ?? {};
    const removed = Object.keys(live.metadata[field] ?? {}).filter((k) => !(k in want));
    if (removed.length > 0)
      metadata[field] = { ...want, ...Object.fromEntries(removed.map((k) => [k, null])) };
  }
  if (!force && live.metadata.resourceVersion !== undefined)
    metadata.resourceVersion = live.metadata.resourceVersion;
  else delete metadata.resourceVersion;
  return { ...object, metadata } as KubeObject;
}
