import type { IncomingMessage, ServerResponse } from 'node:http';
import { groupVersion } from '../api/resource-type.js';
import { methodNotAllowed } from '../api/status.js';
import type { Target } from '../api/target.js';
import { isPlainObject, type KubeObject } from '../api/types.js';
import { patchResource } from '../patch/patcher.js';
import { reviewAccess } from './access-review.js';
import { checkApplyFields, parseApplyBody, patchFieldValidator, validateFields } from './field-validation.js';
import { protobufKind } from './protobuf-io.js';
import { decodeObject, mediaType, readBody } from './request.js';
import { deleteOptions, listOptions, writeOptions } from './request-options.js';
import type { ResourceContext } from './resource-handlers.js';
import { present, sendJson } from './respond.js';

// The write verbs of a resource path: create, update, patch, delete and deletecollection.

/** One resource request on its way to a handler: the HTTP exchange, the server's parts and what it addresses. */
export interface ResourceCall {
  req: IncomingMessage;
  res: ServerResponse;
  ctx: ResourceContext;
  target: Target;
  verb: string;
  query: URLSearchParams;
}

export async function serveWrite(call: ResourceCall): Promise<void> {
  const { req, res, ctx, target, verb, query } = call;
  const { service } = ctx;
  const rt = target.rt;
  const apiVersion = groupVersion(rt.group, target.version);
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
