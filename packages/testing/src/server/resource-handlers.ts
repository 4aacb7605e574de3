import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ResourceService } from '../api/service.js';
import { methodNotAllowed, methodNotSupported, pathNotFound } from '../api/status.js';
import type { Target } from '../api/target.js';
import type { ObjectStore } from '../store/store.js';
import { type AccessRules } from './access-review.js';
import { servePodLog } from './log-handler.js';
import type { PodLogStore } from './pod-logs.js';
import { serveRead } from './read-handlers.js';
import { queryFlag } from './request.js';
import { writeOptions } from './request-options.js';
import { serveScale } from './scale-handler.js';
import { serveRemoteCommand } from './streaming/remote-command.js';
import { tableRequest } from './table-handler.js';
import { type WatchRegistry } from './watch.js';
import { serveWrite } from './write-handlers.js';

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
  const rt = target.rt;
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
  return serveWrite({ req, res, ctx, target, verb, query });
}
