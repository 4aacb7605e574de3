import {
  type DeleteOptions,
  type GVR,
  gvrToString,
  type KubeClient,
  type KubeList,
  type KubeObject,
  type KubeStatus,
  type ListOptions,
  type ObjectRef,
  type ObjectScope,
  type PatchOptions,
  type PatchType,
  type RawRequestInit,
  type RequestOptions,
  type ResourceMapping,
  TmcError,
  TmcErrorType,
  type WatchEvent,
  type WatchOptions,
  type WriteOptions,
} from '@kcp-tmc/interfaces';
import { inject, injectable } from 'tsyringe';
import { RestMapper } from '../discovery/rest-mapper.js';
import { Transport } from '../http/transport.js';
import { clusterPrefix, queryString, resourcePath } from './paths.js';
import {
  describe,
  JSON_CONTENT,
  objectWrite,
  requestBits,
  scopeFor,
  typeListItems,
} from './request-parts.js';
import { streamWatch } from './watch.js';

export const PATCH_CONTENT_TYPES: Readonly<Record<PatchType, string>> = Object.freeze({
  merge: 'application/merge-patch+json',
  json: 'application/json-patch+json',
  strategic: 'application/strategic-merge-patch+json',
  // Server-side apply takes YAML; JSON is YAML.
  apply: 'application/apply-patch+yaml',
});

/** What update and updateStatus take (KubeClient): the object, where it lives, how to write it. */
type ReplaceArgs = [gvr: GVR, object: KubeObject, scope?: ObjectScope, options?: WriteOptions];

/**
 * The KubeClient: a dynamic client over raw JSON. Objects are sent and returned exactly as the server has
 * them (never through client-node's typed models, which drop unknown fields). Paths come from discovery
 * and the scope: `[/clusters/<c>]/api(s)/...` below the base URL.
 */
@injectable()
export class DynamicClient implements KubeClient {
  constructor(
    @inject(Transport) readonly transport: Transport,
    @inject(RestMapper) readonly mapper: RestMapper,
  ) {}

  /** `cluster`: the logical cluster whose discovery serves the resource when the base's does not (a CRD). */
  mapping(gvr: GVR, cluster?: string): Promise<ResourceMapping> {
    return this.mapper.mapping(gvr, cluster);
  }

  mappingForKind(apiVersion: string, kind: string, cluster?: string): Promise<ResourceMapping> {
    return this.mapper.mappingForKind(apiVersion, kind, cluster);
  }

  async get(gvr: GVR, ref: ObjectRef, options: RequestOptions = {}): Promise<KubeObject> {
    const path = await this.objectPath(gvr, ref, ref.name);
    return this.transport.json<KubeObject>({
      method: 'GET',
      path,
      ...requestBits(options),
      operation: describe('GET', gvr, ref, ref.name),
    });
  }

  async list(gvr: GVR, scope: ObjectScope = {}, options: ListOptions = {}): Promise<KubeList> {
    const base = await this.collectionPath(gvr, scope);
    const operation = describe('LIST', gvr, scope);
    const page = (continueToken: string | undefined, limit: number | undefined): Promise<KubeList> =>
      this.transport.json<KubeList>({
        method: 'GET',
        path:
          base +
          queryString({
            labelSelector: options.labelSelector,
            fieldSelector: options.fieldSelector,
            limit,
            continue: continueToken,
            // A continuation is pinned to the first page's snapshot; the server rejects both together.
            resourceVersion: continueToken === undefined ? options.resourceVersion : undefined,
            resourceVersionMatch: continueToken === undefined ? options.resourceVersionMatch : undefined,
          }),
        ...requestBits(options),
        operation,
      });
    const first = typeListItems(await page(options.continue, options.limit));
    if (options.singlePage === true || !first.metadata?.continue) return first;
    const items = first.items;
    let token: string | undefined = first.metadata.continue;
    let last = first;
    while (token) {
      try {
        last = await page(token, options.limit);
      } catch (err) {
        // The snapshot behind the token expired (410): start over with one unpaged list, as client-go's
        // pager does, unless the caller handed us the token.
        if (err instanceof TmcError && err.type === TmcErrorType.Gone && options.continue === undefined) {
          return typeListItems(await page(undefined, undefined));
        }
        throw err;
      }
      for (const item of typeListItems(last).items) items.push(item);
      token = last.metadata?.continue;
    }
    const { continue: _done, remainingItemCount: _remaining, ...metadata } = last.metadata ?? {};
    return {
      ...first,
      metadata: { ...metadata, resourceVersion: first.metadata.resourceVersion ?? '' },
      items,
    };
  }

  async create(
    gvr: GVR,
    object: KubeObject,
    scope: ObjectScope = {},
    options: WriteOptions = {},
  ): Promise<KubeObject> {
    const withNs = scopeFor(scope, object);
    const path = await this.collectionPath(gvr, withNs);
    const operation = describe('CREATE', gvr, withNs, object.metadata?.name ?? object.metadata?.generateName);
    return this.transport.json<KubeObject>(objectWrite('POST', path, object, options, operation));
  }

  update(...args: ReplaceArgs): Promise<KubeObject> {
    return this.replace(undefined, ...args);
  }

  updateStatus(...args: ReplaceArgs): Promise<KubeObject> {
    return this.replace('status', ...args);
  }

  async patch(
    gvr: GVR,
    ref: ObjectRef,
    type: PatchType,
    patch: unknown,
    options: PatchOptions = {},
  ): Promise<KubeObject> {
    if (type === 'apply' && (options.fieldManager === undefined || options.fieldManager === '')) {
      throw new TmcError({
        type: TmcErrorType.BadRequest,
        message: 'server-side apply needs a fieldManager',
      });
    }
    const path = await this.objectPath(gvr, ref, ref.name, options.subresource);
    return this.transport.json<KubeObject>({
      method: 'PATCH',
      path:
        path +
        queryString({
          fieldManager: options.fieldManager,
          dryRun: options.dryRun === true ? 'All' : undefined,
          force: type === 'apply' && options.force === true ? true : undefined,
        }),
      headers: { 'content-type': PATCH_CONTENT_TYPES[type] },
      body: typeof patch === 'string' ? patch : JSON.stringify(patch),
      ...requestBits(options),
      operation: describe(`PATCH(${type})`, gvr, ref, ref.name, options.subresource),
    });
  }

  async delete(gvr: GVR, ref: ObjectRef, options: DeleteOptions = {}): Promise<KubeObject | KubeStatus> {
    const path = await this.objectPath(gvr, ref, ref.name);
    const body: Record<string, unknown> = { kind: 'DeleteOptions', apiVersion: 'v1' };
    if (options.propagationPolicy !== undefined) body.propagationPolicy = options.propagationPolicy;
    if (options.gracePeriodSeconds !== undefined) body.gracePeriodSeconds = options.gracePeriodSeconds;
    if (options.preconditions !== undefined) body.preconditions = options.preconditions;
    if (options.dryRun === true) body.dryRun = ['All'];
    return this.transport.json<KubeObject | KubeStatus>({
      method: 'DELETE',
      path,
      headers: JSON_CONTENT,
      body: JSON.stringify(body),
      ...requestBits(options),
      operation: describe('DELETE', gvr, ref, ref.name),
    });
  }

  async *watch(gvr: GVR, scope: ObjectScope, options: WatchOptions = {}): AsyncGenerator<WatchEvent> {
    const path = await this.collectionPath(gvr, scope);
    yield* streamWatch(this.transport, {
      method: 'GET',
      path:
        path +
        queryString({
          watch: 1,
          resourceVersion: options.resourceVersion,
          labelSelector: options.labelSelector,
          fieldSelector: options.fieldSelector,
          allowWatchBookmarks: options.allowWatchBookmarks === true ? true : undefined,
          timeoutSeconds: options.timeoutSeconds,
        }),
      ...requestBits(options),
      operation: describe('WATCH', gvr, scope),
    });
  }

  async request(path: string, init: RawRequestInit = {}): Promise<Response> {
    const method = init.method ?? 'GET';
    const { response } = await this.transport.send({
      method,
      path: clusterPrefix(init.cluster) + path,
      ...(init.headers === undefined ? {} : { headers: init.headers }),
      ...(init.body === undefined ? {} : { body: init.body }),
      ...requestBits(init),
      operation: `${method} ${path}`,
    });
    return response;
  }

  private async replace(
    subresource: string | undefined,
    gvr: GVR,
    object: KubeObject,
    scope: ObjectScope = {},
    options: WriteOptions = {},
  ): Promise<KubeObject> {
    const name = object.metadata?.name;
    if (name === undefined || name === '') {
      throw new TmcError({
        type: TmcErrorType.BadRequest,
        message: `update of ${gvrToString(gvr)}: no name`,
      });
    }
    const ref = scopeFor(scope, object);
    const path = await this.objectPath(gvr, ref, name, subresource);
    const operation = describe(subresource ? 'UPDATE/status' : 'UPDATE', gvr, ref, name);
    return this.transport.json<KubeObject>(objectWrite('PUT', path, object, options, operation));
  }

  private async collectionPath(gvr: GVR, scope: ObjectScope): Promise<string> {
    const { namespaced } = await this.mapper.mapping(gvr, scope.cluster);
    return resourcePath({ gvr, namespaced, cluster: scope.cluster, namespace: scope.namespace });
  }

  private async objectPath(
    gvr: GVR,
    scope: ObjectScope,
    name: string,
    subresource?: string,
  ): Promise<string> {
    const { namespaced } = await this.mapper.mapping(gvr, scope.cluster);
    try {
      return resourcePath({
        gvr,
        namespaced,
        cluster: scope.cluster,
        namespace: scope.namespace,
        name,
        subresource,
      });
    } catch (err) {
      throw new TmcError({
        type: TmcErrorType.BadRequest,
        message: err instanceof Error ? err.message : String(err),
        cause: err,
      });
    }
  }
}
