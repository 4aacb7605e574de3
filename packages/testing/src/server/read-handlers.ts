import type { IncomingMessage, ServerResponse } from 'node:http';
import { compileFilter } from '../api/list.js';
import { groupVersion } from '../api/resource-type.js';
import type { ResourceService } from '../api/service.js';
import type { TableListMeta, TableOptions } from '../api/table/convert.js';
import type { Target } from '../api/target.js';
import type { KubeObject } from '../api/types.js';
import { queryFlag, queryInt } from './request.js';
import { listOptions } from './request-options.js';
import type { ResourceContext } from './resource-handlers.js';
import { present, sendJson } from './respond.js';
import { convertorFor, sendTable } from './table-handler.js';
import { WatchSession } from './watch.js';

// The read verbs of a resource path.

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

/** get, list and watch, as JSON or, when asked, as a Table. */
export function serveRead(
  req: IncomingMessage,
  res: ServerResponse,
  ctx: ResourceContext,
  target: Target,
  verb: 'get' | 'list' | 'watch',
  query: URLSearchParams,
  table: TableOptions | undefined,
): void {
  const { service } = ctx;
  const rt = target.rt;
  const apiVersion = groupVersion(rt.group, target.version);
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
  }
}
