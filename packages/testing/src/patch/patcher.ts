import { managerFromUserAgent, timestamp } from '../api/meta.js';
import { grKey, groupVersion } from '../api/resource-type.js';
import type { ResourceService } from '../api/service.js';
import {
  ApiError,
  badRequest,
  conflict,
  notFound,
  OBJECT_MODIFIED,
  unsupportedMediaType,
} from '../api/status.js';
import type { Target, WriteOptions, WriteResult } from '../api/target.js';
import { cloneJson, isPlainObject, type KubeObject } from '../api/types.js';
import { serverSideApply } from './apply.js';
import { applyJsonPatch, JsonPatchError } from './json-patch.js';
import { applyMergePatch } from './merge-patch.js';
import { applyStrategicMergePatch } from './strategic-merge.js';

export const PATCH_TYPES = {
  json: 'application/json-patch+json',
  merge: 'application/merge-patch+json',
  strategic: 'application/strategic-merge-patch+json',
  apply: 'application/apply-patch+yaml',
} as const;

function parsePatchJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw badRequest(`error decoding patch: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** PATCH: computes the patched object by patch type, then goes through the normal update pipeline. */
export function patchResource(
  service: ResourceService,
  target: Target,
  contentType: string,
  text: string,
  opts: WriteOptions,
  /** Server-side field validation of the patched object (the patch itself for its error message). */
  checkPatched?: (patched: KubeObject, patch: unknown, strategic: boolean) => KubeObject,
): WriteResult {
  const rt = target.rt;
  const accepted = rt.builtin
    ? [
        PATCH_TYPES.json,
        PATCH_TYPES.merge,
        PATCH_TYPES.strategic,
        PATCH_TYPES.apply,
        'application/apply-patch+cbor',
      ]
    : [PATCH_TYPES.json, PATCH_TYPES.merge, PATCH_TYPES.apply, 'application/apply-patch+cbor'];
  if (!accepted.includes(contentType) || contentType === 'application/apply-patch+cbor') {
    throw unsupportedMediaType(contentType, accepted);
  }
  if (contentType === PATCH_TYPES.apply) return serverSideApply(service, target, text, opts);
  if (target.cluster === '*') throw badRequest('a logical cluster is required for patch');
  const old = service.store.get(target.cluster, grKey(rt), target.namespace ?? '', target.name!);
  if (!old || (target.visible && !target.visible(target.cluster, old))) throw notFound(rt, target.name!);
  const current = cloneJson(target.view ? target.view.read(old) : old);
  let patched: unknown;
  let patchValue: unknown;
  if (contentType === PATCH_TYPES.json) {
    const ops = parsePatchJson(text);
    patchValue = ops;
    try {
      patched = applyJsonPatch(current, ops);
    } catch (err) {
      if (err instanceof JsonPatchError) {
        throw new ApiError(
          422,
          'Invalid',
          'the server rejected our request due to an error in our request',
          {},
        );
      }
      throw err;
    }
  } else {
    const patch = parsePatchJson(text);
    patchValue = patch;
    if (!isPlainObject(patch))
      throw badRequest('json: cannot unmarshal into Go value of type map[string]interface {}');
    patched =
      contentType === PATCH_TYPES.merge
        ? applyMergePatch(current, patch)
        : applyStrategicMergePatch(current, patch, rt.builtin);
  }
  if (!isPlainObject(patched)) throw badRequest('the patched object is not a JSON object');
  const strategic = contentType === PATCH_TYPES.strategic;
  const next = (checkPatched?.(patched as KubeObject, patchValue, strategic) ?? patched) as KubeObject;
  if (!isPlainObject(next.metadata)) next.metadata = {};
  if (target.view) return service.writeThroughView(target, target.cluster, old, next, opts);
  // A resourceVersion in the patch is a precondition.
  const rv = next.metadata.resourceVersion;
  if (rv !== undefined && rv !== old.metadata.resourceVersion)
    throw conflict(rt, target.name!, OBJECT_MODIFIED);
  if (next.metadata.name !== undefined && next.metadata.name !== target.name) {
    throw badRequest(
      `the name of the object (${next.metadata.name}) does not match the name on the URL (${target.name})`,
    );
  }
  const id = {
    manager: opts.fieldManager ?? managerFromUserAgent(opts.userAgent),
    operation: 'Update' as const,
    apiVersion: groupVersion(rt.group, target.version),
    time: timestamp(),
    ...(target.subresource === 'status' ? { subresource: 'status' } : {}),
  };
  return service.writeUpdate(target, target.cluster, old, next, opts, id);
}
