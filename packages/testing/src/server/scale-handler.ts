import type { IncomingMessage, ServerResponse } from 'node:http';
import { timestamp } from '../api/meta.js';
import { grKey } from '../api/resource-type.js';
import type { ResourceService } from '../api/service.js';
import { badRequest, conflict, OBJECT_MODIFIED } from '../api/status.js';
import type { Target, WriteOptions } from '../api/target.js';
import { cloneJson, isPlainObject, type KubeObject } from '../api/types.js';
import { applyMergePatch } from '../patch/merge-patch.js';
import { decodeObject, mediaType, parseJson, readBody } from './request.js';
import { sendJson } from './respond.js';

function toScale(obj: KubeObject): Record<string, unknown> {
  const spec = isPlainObject(obj.spec) ? obj.spec : {};
  const status = isPlainObject(obj.status) ? obj.status : {};
  const selector =
    isPlainObject(spec.selector) && isPlainObject(spec.selector.matchLabels) ? spec.selector.matchLabels : {};
  const m = obj.metadata;
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: {
      name: m.name,
      namespace: m.namespace,
      uid: m.uid,
      resourceVersion: m.resourceVersion,
      creationTimestamp: m.creationTimestamp,
    },
    spec: { replicas: spec.replicas ?? 0 },
    status: {
      replicas: status.replicas ?? 0,
      selector: Object.entries(selector)
        .map(([k, v]) => `${k}=${String(v)}`)
        .join(','),
    },
  };
}

/** The scale subresource of workloads: autoscaling/v1 Scale in and out, spec.replicas underneath. */
export async function serveScale(
  req: IncomingMessage,
  res: ServerResponse,
  service: ResourceService,
  target: Target,
  verb: string,
  opts: WriteOptions,
): Promise<void> {
  const main: Target = { ...target, subresource: undefined };
  const current = service.get(main);
  if (verb === 'get') {
    sendJson(res, 200, toScale(current));
    return;
  }
  let scale: unknown;
  // The scale client of client-go may send autoscaling/v1 Scale in protobuf.
  if (verb === 'update')
    scale = decodeObject(req, await readBody(req), { apiVersion: 'autoscaling/v1', kind: 'Scale' });
  else {
    const type = mediaType(req);
    if (type !== 'application/merge-patch+json' && type !== 'application/strategic-merge-patch+json') {
      throw badRequest(`scale patches support merge patches only, got ${type}`);
    }
    scale = applyMergePatch(toScale(current), parseJson((await readBody(req)).toString('utf8')));
  }
  const s = scale as { metadata?: { resourceVersion?: string }; spec?: { replicas?: unknown } };
  if (s.metadata?.resourceVersion && s.metadata.resourceVersion !== current.metadata.resourceVersion) {
    throw conflict(target.rt, target.name!, OBJECT_MODIFIED);
  }
  const replicas = s.spec?.replicas;
  if (typeof replicas !== 'number') throw badRequest('spec.replicas must be a number');
  const next = cloneJson(current);
  next.spec = { ...(isPlainObject(next.spec) ? next.spec : {}), replicas };
  const cluster = target.cluster;
  const old = service.store.get(cluster, grKey(target.rt), target.namespace ?? '', target.name!)!;
  const result = service.writeUpdate(main, cluster, old, next, opts, {
    manager: opts.fieldManager ?? 'unknown',
    operation: 'Update',
    apiVersion: 'autoscaling/v1',
    time: timestamp(),
    subresource: 'scale',
  });
  sendJson(res, 200, toScale(result.object));
}
