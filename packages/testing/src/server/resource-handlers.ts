import type { IncomingMessage, ServerResponse } from 'node:http';
import { compileFilter } from '../api/list.js';
import { groupVersion } from '../api/resource-type.js';
import type { ResourceService } from '../api/service.js';
import { badRequest, methodNotAllowed, methodNotSupported, pathNotFound } from '../api/status.js';
import type { TableListMeta } from '../api/table/convert.js';
import type { DeleteOptions, Target, WriteOptions } from '../api/target.js';
import { isPlainObject, type KubeObject } from '../api/types.js';
import { patchResource } from '../patch/patcher.js';
import type { ObjectStore } from '../store/store.js';
import { type AccessRules, reviewAccess } from './access-review.js';
import { checkApplyFields, parseApplyBody, patchFieldValidator, validateFields } from './field-validation.js';
import { servePodLog } from './log-handler.js';
import type { PodLogStore } from './pod-logs.js';
import { protobufKind } from './protobuf-io.js';
import { decodeObject, mediaType, parseJson, queryFlag, queryInt, readBody } from './request.js';
import { present, sendJson } from './respond.js';
import { serveScale } from './scale-handler.js';
import { serveRemoteCommand } from './streaming/remote-command.js';
import { convertorFor, sendTable, tableRequest } from './table-handler.js';
import { type WatchRegistry, WatchSession } from './watch.js';

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

function writeOptions(req: IncomingMessage, q: URLSearchParams): WriteOptions {
  const opts: WriteOptions = {};
  const dryRun = q.getAll('dryRun');
  if (dryRun.length > 0) {
    if (dryRun.some((d) => d !== 'All')) throw badRequest(`Invalid dry run value: ${dryRun.join(', ')}`);
    opts.dryRun = true;
  }
  const fm = q.get('fieldManager');
  if (fm) opts.fieldManager = fm;
  const ua = req.headers['user-agent'];
  if (ua) opts.userAgent = ua;
  if (queryFlag(q, 'force')) opts.force = true;
  return opts;
}

function listOptions(q: URLSearchParams) {
  const out: {
    labelSelector?: string;
    fieldSelector?: string;
    limit?: number;
    continue?: string;
    resourceVersion?: string;
  } = {};
  const ls = q.get('labelSelector');
  if (ls) out.labelSelector = ls;
  const fs = q.get('fieldSelector');
  if (fs) out.fieldSelector = fs;
  const limit = queryInt(q, 'limit');
  if (limit !== undefined) out.limit = limit;
  const cont = q.get('continue');
  if (cont) out.continue = cont;
  const rv = q.get('resourceVersion');
  if (rv !== null) out.resourceVersion = rv;
  return out;
}

async function deleteOptions(req: IncomingMessage, q: URLSearchParams): Promise<DeleteOptions> {
  const body = await readBody(req);
  const opts: DeleteOptions = {};
  if (body.length > 0) {
    // Typed client-go clients send DeleteOptions in their content type, protobuf included.
    const parsed =
      mediaType(req) === 'application/vnd.kubernetes.protobuf'
        ? decodeObject(req, body, { apiVersion: 'v1', kind: 'DeleteOptions' })
        : parseJson(body.toString('utf8'));
    if (isPlainObject(parsed)) {
      if (typeof parsed.propagationPolicy === 'string')
        opts.propagationPolicy = parsed.propagationPolicy as DeleteOptions['propagationPolicy'] & string;
      if (typeof parsed.orphanDependents === 'boolean') opts.orphanDependents = parsed.orphanDependents;
      if (typeof parsed.gracePeriodSeconds === 'number') opts.gracePeriodSeconds = parsed.gracePeriodSeconds;
      if (isPlainObject(parsed.preconditions))
        opts.preconditions = parsed.preconditions as DeleteOptions['preconditions'] & object;
      if (Array.isArray(parsed.dryRun) && parsed.dryRun.includes('All')) opts.dryRun = true;
    }
  }
  const pp = q.get('propagationPolicy');
  if (pp) {
    if (!['Orphan', 'Background', 'Foreground'].includes(pp)) {
      throw badRequest(
        `propagationPolicy: Unsupported value: "${pp}": supported values: "Foreground", "Background", "Orphan"`,
      );
    }
    opts.propagationPolicy = pp as DeleteOptions['propagationPolicy'] & string;
  }
  const gp = queryInt(q, 'gracePeriodSeconds');
  if (gp !== undefined) opts.gracePeriodSeconds = gp;
  if (q.get('orphanDependents') !== null) opts.orphanDependents = queryFlag(q, 'orphanDependents');
  if (q.getAll('dryRun').includes('All')) opts.dryRun = true;
  return opts;
}

function listMeta(result: ReturnType<ResourceService['list']>): TableListMeta {
  const meta: TableListMeta = { resourceVersion: result.resourceVersion };
  if (result.continue) meta.continue = result.continue;
  if (result.remainingItemCount !== undefined) meta.remainingItemCount = result.remainingItemCount;
  return meta;
}

/** Listed objects (listObjects has applied the syncer virtual workspace's view already). */
function listedObjects(result: ReturnType<ResourceService['list']>): KubeObject[] {
  return result.items.map(({ object }) => object);
}

function sendList(res: ServerResponse, target: Target, result: ReturnType<ResourceService['list']>): void {
  const rt = target.rt;
  const apiVersion = groupVersion(rt.group, target.version);
  const meta: Record<string, unknown> = { resourceVersion: result.resourceVersion };
  if (result.continue) meta.continue = result.continue;
  if (result.remainingItemCount !== undefined) meta.remainingItemCount = result.remainingItemCount;
  // Items of built-in lists carry no kind/apiVersion (typed lists); custom resources keep them, and so does
  // kcp's syncer virtual workspace, which relays an unstructured list read through client-go.
  const typed = rt.builtin && target.view === undefined;
  const items = result.items.map(({ object }) =>
    JSON.stringify(
      typed ? { ...object, kind: undefined, apiVersion: undefined } : present(object, apiVersion),
    ),
  );
  const text = `{"kind":${JSON.stringify(rt.listKind)},"apiVersion":${JSON.stringify(apiVersion)},"metadata":${JSON.stringify(meta)},"items":[${items.join(',')}]}`;
  sendJson(res, 200, text);
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
  if (sub !== undefined) {
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
    if (sub === 'log') return servePodLog(res, ctx.logs, service.get(target), target.cluster, query, req);
    if (sub === 'exec' || sub === 'attach') {
      const pod = service.get({ ...target, subresource: undefined });
      return serveRemoteCommand(req, res, { pod, cluster: target.cluster, logs: ctx.logs }, sub, query);
    }
    if (sub === 'scale') return serveScale(req, res, service, target, verb, writeOptions(req, query));
  }
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
  switch (verb) {
    case 'get': {
      const object = service.get(target);
      if (table)
        sendTable(res, ctx.store, target, table, [object], {
          resourceVersion: object.metadata.resourceVersion ?? '',
        });
      else sendJson(res, 200, present(object, apiVersion));
      return;
    }
    case 'list': {
      const result = service.list(target, listOptions(query));
      if (table) sendTable(res, ctx.store, target, table, listedObjects(result), listMeta(result));
      else sendList(res, target, result);
      return;
    }
    case 'watch': {
      const lo = listOptions(query);
      const fieldSelector = target.name !== undefined ? `metadata.name=${target.name}` : lo.fieldSelector;
      const filter = compileFilter(rt, lo.labelSelector, fieldSelector);
      const sie = query.get('sendInitialEvents');
      const timeout = queryInt(query, 'timeoutSeconds');
      const session = new WatchSession(
        req,
        res,
        ctx.store,
        {
          target: { ...target, name: undefined },
          filter,
          resourceVersion: lo.resourceVersion,
          allowBookmarks: queryFlag(query, 'allowWatchBookmarks'),
          sendInitialEvents: sie === null ? undefined : sie === 'true',
          timeoutSeconds: timeout,
          bookmarkIntervalMs: ctx.bookmarkIntervalMs,
          table: table && { options: table, convertor: convertorFor(ctx.store, target) },
        },
        ctx.watches,
      );
      session.start();
      return;
    }
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
