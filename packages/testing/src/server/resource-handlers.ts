import type { IncomingMessage, ServerResponse } from 'node:http';
import { groupVersion } from '../api/resource-type.js';
import type { ResourceService } from '../api/service.js';
import { methodNotAllowed, methodNotSupported, pathNotFound } from '../api/status.js';
import type { Target } from '../api/target.js';
import { isPlainObject, type KubeObject } from '../api/types.js';
import { patchResource } from '../patch/patcher.js';
import type { ObjectStore } from '../store/store.js';
import { type AccessRules, reviewAccess } from './access-review.js';
import { checkApplyFields, parseApplyBody, patchFieldValidator, validateFields } from './field-validation.js';
import { servePodLog } from './log-handler.js';
import type { PodLogStore } from './pod-logs.js';
import { protobufKind } from './protobuf-io.js';
import { serveRead } from './read-handlers.js';
import { decodeObject, mediaType, queryFlag, readBody } from './request.js';
import { deleteOptions, listOptions, writeOptions } from './request-options.js';
import { present, sendJson } from './respond.js';
import { serveScale } from './scale-handler.js';
import { serveRemoteCommand } from './streaming/remote-command.js';
import { tableRequest } from './table-handler.js';
import { type WatchRegistry } from './watch.js';

export interface ResourceContext {
  service: ResourceService;
  store: ObjectStore;
  watches: WatchRegistry;
  logs: PodLogStore;
  accessRules: () => AccessRules;
  bookmarkIntervalMs: number;
}

/** The kube verb a request maps to (for stats, faults and dispatch). */
export function verbOf(
  method: string,
  target: { name?: string | undefined; subresource?: string | undefined },
  query: URLSearchParams,
  watchPath: boolean,
): string {
  const watch = watchPath || queryFlag(query, 'watch');
  switch (method) {
    case 'GET':
    case 'HEAD':
      if (watch) return 'watch';
      return target.name === undefined ? 'list' : 'get';
    case 'POST':
      return 'create';
    case 'PUT':
      return 'update';
    case 'PATCH':
      return 'patch';
    case 'DELETE':
      return target.name === undefined ? 'deletecollection' : 'delete';
    default:
      return method.toLowerCase();
  }
}

/**
 * The subresources a resource type registers (status, finalize, log, exec/attach, scale): a verb the route does not
 * take is 405, an unknown subresource 404. True when the subresource was served here (status and finalize go on to
 * the resource's own verbs).
 */
async function serveSubresource(
  req: IncomingMessage,
  res: ServerResponse,
  ctx: ResourceContext,
  target: Target & { subresource: string },
  verb: string,
  query: URLSearchParams,
): Promise<boolean> {
  const { service } = ctx;
  const rt = target.rt;
  const sub = target.subresource;
  const ok =
    (sub === 'status' && rt.subresources.status && ['get', 'update', 'patch'].includes(verb)) ||
    (sub === 'finalize' && rt.subresources.finalize && verb === 'update') ||
    (sub === 'log' && rt.subresources.log && verb === 'get') ||
    ((sub === 'exec' || sub === 'attach') && rt.subresources.exec && ['get', 'create'].includes(verb)) ||
    (sub === 'scale' && rt.subresources.scale && ['get', 'update', 'patch'].includes(verb));
  if (!ok) {
    const known =
      (sub === 'status' && rt.subresources.status) ||
      (sub === 'finalize' && rt.subresources.finalize) ||
      (sub === 'log' && rt.subresources.log) ||
      ((sub === 'exec' || sub === 'attach') && rt.subresources.exec) ||
      (sub === 'scale' && rt.subresources.scale);
    throw known ? methodNotAllowed() : pathNotFound();
  }
  if (sub === 'log') servePodLog(res, ctx.logs, service.get(target), target.cluster, query, req);
  else if (sub === 'exec' || sub === 'attach') {
    const pod = service.get({ ...target, subresource: undefined });
    serveRemoteCommand(req, res, { pod, cluster: target.cluster, logs: ctx.logs }, sub, query);
  } else if (sub === 'scale') await serveScale(req, res, service, target, verb, writeOptions(req, query));
  else return false;
  return true;
}

export async function serveResource(
  req: IncomingMessage,
  res: ServerResponse,
  ctx: ResourceContext,
  target: Target,
  verb: string,
  query: URLSearchParams,
): Promise<void> {
  const { service } = ctx;
  const rt = target.rt;
  const apiVersion = groupVersion(rt.group, target.version);
  const sub = target.subresource;
  if (
    sub !== undefined &&
    (await serveSubresource(req, res, ctx, { ...target, subresource: sub }, verb, query))
  )
    return;
  // Routes exist per path shape: items take get/update/patch/delete, collections list/watch/create/
  // deletecollection, and namespaced resources across all namespaces only list/watch.
  const item = target.name !== undefined;
  const table = ['get', 'list', 'watch'].includes(verb) ? tableRequest(req, query) : undefined;
  if ((item && verb === 'create') || (!item && (verb === 'update' || verb === 'patch')))
    throw methodNotAllowed();
  if (rt.namespaced && target.namespace === undefined && !['list', 'watch'].includes(verb))
    throw methodNotAllowed();
  if (!rt.verbs.includes(verb) && !(verb === 'deletecollection' && rt.verbs.includes('delete'))) {
    throw methodNotSupported(rt, verb);
  }
  if (verb === 'get' || verb === 'list' || verb === 'watch')
    return serveRead(req, res, ctx, target, verb, query, table);
  switch (verb) {
    case 'create': {
      const decoded = decodeObject(req, await readBody(req), protobufKind(apiVersion, rt.kind, rt.builtin));
      const body = validateFields(res, query, ctx.store, target, 'create', decoded);
      const opts = writeOptions(req, query);
      if (rt.group === 'authorization.k8s.io' && rt.resource === 'selfsubjectaccessreviews') {
        const spec = isPlainObject(body.spec) ? body.spec : {};
        sendJson(res, 201, {
          kind: 'SelfSubjectAccessReview',
          apiVersion,
          metadata: { creationTimestamp: null },
          spec,
          status: reviewAccess(ctx.accessRules(), spec),
        });
        return;
      }
      const result = service.create(target, body, opts);
      sendJson(res, result.code, present(result.object, apiVersion));
      return;
    }
    case 'update': {
      const decoded = decodeObject(req, await readBody(req), protobufKind(apiVersion, rt.kind, rt.builtin));
      const body = validateFields(res, query, ctx.store, target, 'update', decoded);
      const result = service.update(target, body, writeOptions(req, query));
      sendJson(res, result.code, present(result.object, apiVersion));
      return;
    }
    case 'patch': {
      const text = (await readBody(req)).toString('utf8');
      const type = mediaType(req);
      const check = patchFieldValidator(res, query, ctx.store, target);
      if (type === 'application/apply-patch+yaml') checkApplyFields(ctx.store, target, parseApplyBody(text));
      const result = patchResource(service, target, type, text, writeOptions(req, query), check);
      sendJson(res, result.code, present(result.object, apiVersion));
      return;
    }
    case 'delete': {
      const result = service.delete(target, await deleteOptions(req, query));
      const body = result.body;
      sendJson(res, result.code, body.kind === 'Status' ? body : present(body as KubeObject, apiVersion));
      return;
    }
    case 'deletecollection': {
      const opts = await deleteOptions(req, query);
      const items = service.deleteCollection(target, listOptions(query), opts);
      sendJson(res, 200, {
        kind: rt.listKind,
        apiVersion,
        metadata: { resourceVersion: String(ctx.store.resourceVersion) },
        items: items.map((o) => present(o, apiVersion)),
      });
      return;
    }
    default:
      throw methodNotAllowed();
  }
}
