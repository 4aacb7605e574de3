// Pieces of a request the dynamic client builds for every verb.
import {
  type GVR,
  gvrToString,
  type KubeList,
  type KubeObject,
  type ObjectScope,
  type RequestOptions,
  type WriteOptions,
} from '@kcp-tmc/interfaces';
import type { HttpRequest } from '../http/transport.js';
import { queryString } from './paths.js';

export const JSON_CONTENT = { 'content-type': 'application/json' };

/**
 * Items of a built-in list come without apiVersion/kind (kube-apiserver serves typed lists); client-go's dynamic
 * client fills them from the list's own (`FooList` -> `Foo`), so objects read from a list and from a watch event
 * look the same to hashing, retention and apply. Items that carry their own are left alone.
 */
export function typeListItems(list: KubeList): KubeList {
  const apiVersion = list.apiVersion;
  const kind = list.kind?.endsWith('List') ? list.kind.slice(0, -'List'.length) : undefined;
  if (apiVersion === undefined || apiVersion === '' || kind === undefined || kind === '') return list;
  for (const item of list.items ?? []) {
    if (item.apiVersion === undefined || item.apiVersion === '') item.apiVersion = apiVersion;
    if (item.kind === undefined || item.kind === '') item.kind = kind;
  }
  return list;
}

/** The scope's namespace, else the object's own. */
export function scopeFor(scope: ObjectScope, object: KubeObject): ObjectScope {
  const namespace = scope.namespace || object.metadata?.namespace;
  return namespace ? { ...scope, namespace } : scope;
}

export function requestBits(options: RequestOptions): RequestOptions {
  const bits: RequestOptions = {};
  if (options.signal !== undefined) bits.signal = options.signal;
  if (options.timeoutMs !== undefined) bits.timeoutMs = options.timeoutMs;
  if (options.maxRetries !== undefined) bits.maxRetries = options.maxRetries;
  return bits;
}

/** A whole object sent as JSON (create, update), the write options in the query. */
export function objectWrite(
  method: 'POST' | 'PUT',
  path: string,
  object: KubeObject,
  options: WriteOptions,
  operation: string,
): HttpRequest {
  return {
    method,
    path:
      path +
      queryString({
        fieldManager: options.fieldManager,
        dryRun: options.dryRun === true ? 'All' : undefined,
      }),
    headers: JSON_CONTENT,
    body: JSON.stringify(object),
    ...requestBits(options),
    operation,
  };
}

export function describe(verb: string, gvr: GVR, scope: ObjectScope, name?: string, sub?: string): string {
  const ns = scope.namespace ? `${scope.namespace}/` : '';
  const target = name === undefined ? ns : `${ns}${name}${sub ? `/${sub}` : ''}`;
  const cluster = scope.cluster ? ` in cluster ${scope.cluster}` : '';
  return `${verb} ${gvrToString(gvr)}${target ? ` ${target}` : ''}${cluster}`;
}
