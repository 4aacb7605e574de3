import {
  canonicalJson,
  type GVR,
  type KubeClient,
  type KubeObject,
  type ObjectRef,
} from '@kcp-tmc/interfaces';

/**
 * One write of a downstream status upstream, as kcp v0.11's status syncer makes it: the object as read, with
 * `.status` replaced, PUT on the `status` subresource (the main resource when the type has none: there the
 * status is part of the object); with advanced scheduling, the object with the status JSON (keys sorted, as Go encodes a map) in the per-target
 * annotation, PUT on the main resource. The read resourceVersion travels along, so a concurrent change is a 409.
 */
export async function writeStatus(
  client: KubeClient,
  gvr: GVR,
  ref: ObjectRef,
  upstream: KubeObject,
  status: unknown,
  advanced: boolean,
  annotation: string,
): Promise<KubeObject> {
  const scope = {
    ...(ref.cluster === undefined ? {} : { cluster: ref.cluster }),
    namespace: ref.namespace ?? '',
  };
  if (advanced) {
    const annotations = { ...(upstream.metadata.annotations ?? {}), [annotation]: canonicalJson(status) };
    return client.update(gvr, { ...upstream, metadata: { ...upstream.metadata, annotations } }, scope);
  }
  const updated = { ...upstream, status };
  const { subresources } = await client.mapping(gvr);
  return subresources.includes('status')
    ? client.updateStatus(gvr, updated, scope)
    : client.update(gvr, updated, scope);
}
