import {
  CLUSTER_ANNOTATION,
  canonicalJson,
  isSyncTargetLocator,
  isTmcError,
  jsonEqual,
  type KubeClient,
  type KubeObject,
  locatorOf,
  NAMESPACE_LOCATOR_LOOKUP,
  type NamespaceLocatorLookup,
  type ObjectRef,
  ResourceStateValue,
  type StatusRequest,
  type SyncResult,
  stateLabel,
  statusAnnotation,
  TmcError,
  TmcErrorType,
  UPSTREAM_KUBE_CLIENT,
  type UpstreamStatusSyncer,
} from '@kcp-tmc/interfaces';
import { inject, injectable } from 'tsyringe';
import { type UpstreamOptions, upstreamScope } from '../options.js';
import { UPSTREAM_OPTIONS } from '../tokens.js';
import { writeStatus } from './write-status.js';

/** The engine's cached upstream object, when it is the one `ref` addresses. */
function cachedFor(upstream: KubeObject | undefined, ref: ObjectRef): KubeObject | undefined {
  if (upstream === undefined) return undefined;
  const { name, namespace = '', annotations } = upstream.metadata;
  const cluster = annotations?.[CLUSTER_ANNOTATION];
  if (ref.cluster !== undefined && cluster !== undefined && cluster !== ref.cluster) return undefined;
  return name === ref.name && namespace === (ref.namespace ?? '') ? upstream : undefined;
}

function noopResult(key: SyncResult['key'], reason: string, object?: KubeObject): SyncResult {
  return {
    key,
    operation: 'noop',
    success: true,
    conflicts: [],
    reason,
    ...(object === undefined ? {} : { object }),
  };
}

/** The conflicts a write met before it went through: writes that found a newer upstream object. */
function staleWrites(conflicts: number): SyncResult['conflicts'] {
  if (conflicts === 0) return [];
  return [
    {
      kind: 'stale-resource-version',
      message: `${conflicts} write(s) met a newer upstream object`,
      resolution: 're-read and retried',
    },
  ];
}

function isType(err: unknown, type: TmcErrorType): boolean {
  return isTmcError(err) && err.type === type;
}

/**
 * Writes a downstream object's status to its upstream object as kcp v0.11's status syncer does
 * (pkg/syncer/status/status_process.go): the downstream `.status`, verbatim, replaces the upstream object's
 * with an update of the `status` subresource (through the syncer virtual workspace, which promotes it when one
 * SyncTarget holds the object). Only when the SyncTarget carries kcp's advanced-scheduling annotation does the
 * status go instead, as JSON, into `experimental.status.workload.kcp.io/<key>` with an update of the object.
 * The upstream object is found through the namespace locator of the downstream namespace (or, cluster-scoped,
 * of the object itself) and keeps the downstream name. A downstream object without status, or one that is
 * gone, writes nothing (the spec path releases the finalizer of a deleted object), and so does a status the
 * upstream object already shows.
 */
@injectable()
export class DefaultUpstreamStatusSyncer implements UpstreamStatusSyncer {
  private readonly options: UpstreamOptions;

  constructor(
    @inject(UPSTREAM_KUBE_CLIENT) private readonly client: KubeClient,
    @inject(NAMESPACE_LOCATOR_LOOKUP) private readonly locators: NamespaceLocatorLookup,
    // Optional: the defaults (cluster-addressed writes) unless registerUpstream is given options.
    @inject(UPSTREAM_OPTIONS, { isOptional: true }) options: UpstreamOptions = {},
  ) {
    this.options = options;
  }

  async syncStatus(request: StatusRequest): Promise<SyncResult> {
    const { item, downstream } = request;
    const key = item.key;
    if (downstream === undefined) return noopResult(key, 'the downstream object is gone');
    // ConfigMaps, Secrets, ServiceAccounts...: kcp skips an object without status, and so no request is made.
    if (downstream.status === undefined) return noopResult(key, 'the object has no status');
    // An upsynced object's status is the upstream copy's own (kcp: status_process.go skips Upsync).
    if (
      downstream.metadata.labels?.[stateLabel(request.context.syncTarget.key)] === ResourceStateValue.Upsync
    ) {
      return noopResult(key, 'upsynced: its status is not written upstream');
    }
    const ref = await this.upstreamRef(request, downstream);
    if (typeof ref === 'string') return noopResult(key, ref);
    return this.writeWithRetries(request, ref, downstream.status);
  }

  /** Where the downstream object's upstream copy lives, or why its status stays downstream. */
  private async upstreamRef(request: StatusRequest, downstream: KubeObject): Promise<ObjectRef | string> {
    const { item, context } = request;
    const key = item.key;
    const clusterScoped = key.namespace === '';
    const locator = clusterScoped ? locatorOf(downstream) : await this.locators.locatorOf(key.namespace);
    if (!clusterScoped && locator === undefined) {
      return `downstream namespace ${key.namespace} has no namespace locator`;
    }
    if (locator !== undefined && !isSyncTargetLocator(locator, context.syncTarget)) {
      return `belongs to SyncTarget ${locator.syncTarget.cluster}:${locator.syncTarget.name}`;
    }
    const cluster = locator?.cluster || context.cluster;
    const mode = this.options.upstreamMode ?? 'virtual-workspace';
    if (cluster === '' && mode !== 'plain') return 'upstream logical cluster unknown';
    return {
      ...upstreamScope(mode, cluster, clusterScoped ? '' : (locator?.namespace ?? '')),
      name: key.name,
    };
  }

  /** Writes the status unless upstream shows it already; a 409 re-reads the object and tries again. */
  private async writeWithRetries(
    request: StatusRequest,
    ref: ObjectRef,
    status: unknown,
  ): Promise<SyncResult> {
    const { item, context } = request;
    const key = item.key;
    const advanced = this.options.advancedScheduling === true;
    const annotation = statusAnnotation(context.syncTarget.key);
    const retries = this.options.conflictRetries ?? 5;
    let upstream = cachedFor(request.upstream, ref);
    let conflicts = 0;
    for (;;) {
      try {
        // After a 409 (or without a cached copy) read the server.
        upstream ??= await this.client.get(context.gvr, ref);
        const shown = advanced
          ? upstream.metadata.annotations?.[annotation] === canonicalJson(status)
          : // A missing status and a null one serialise alike: neither is a change.
            jsonEqual(upstream.status ?? null, status ?? null);
        if (shown) return noopResult(key, 'status unchanged', upstream);
        const written = await writeStatus(
          this.client,
          context.gvr,
          ref,
          upstream,
          status,
          advanced,
          annotation,
        );
        return {
          key,
          operation: 'update',
          success: true,
          object: written,
          conflicts: staleWrites(conflicts),
        };
      } catch (err) {
        if (isType(err, TmcErrorType.NotFound)) return noopResult(key, 'upstream object is gone');
        if (!isType(err, TmcErrorType.ResourceConflict)) throw err;
        conflicts++;
        upstream = undefined;
        if (conflicts > retries) {
          throw new TmcError({
            type: TmcErrorType.ResourceConflict,
            message: `status of ${ref.namespace ? `${ref.namespace}/` : ''}${ref.name} still conflicting after ${conflicts} attempts`,
            cause: err,
          });
        }
      }
    }
  }
}
