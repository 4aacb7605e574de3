import {
  CLUSTER_ANNOTATION,
  type KubeClient,
  type KubeObject,
  locatorFromAnnotations,
  NAMESPACE_LOCATOR_LOOKUP,
  type NamespaceLocator,
  type NamespaceLocatorLookup,
  type ObjectRef,
  STATUS_EXTRACTOR,
  type StatusExtractor,
  type StatusRequest,
  type SyncResult,
  type SyncTargetRef,
  statusAnnotation,
  UPSTREAM_KUBE_CLIENT,
  type UpstreamStatusSyncer,
} from '@kcp-tmc/interfaces';
import { inject, injectAll, injectable } from 'tsyringe';
import { extractorFor } from '../extractors/index.js';
import { type UpstreamOptions, upstreamScope } from '../options.js';
import { UPSTREAM_OPTIONS } from '../tokens.js';
import { syncAggregatedStatus } from './aggregate.js';

function isOurs(locator: NamespaceLocator, syncTarget: SyncTargetRef): boolean {
  const st = locator.syncTarget;
  return st.name === syncTarget.name && st.uid === syncTarget.uid && st.cluster === syncTarget.cluster;
}

function locatorOfObject(object: KubeObject | undefined): NamespaceLocator | undefined {
  try {
    return locatorFromAnnotations(object?.metadata.annotations);
  } catch {
    return undefined;
  }
}

/** Whether the cached upstream object carries this SyncTarget's recorded status. */
function recorded(upstream: KubeObject | undefined, context: StatusRequest['context']): boolean {
  return upstream?.metadata.annotations?.[statusAnnotation(context.syncTarget.key)] !== undefined;
}

/** The engine's cached upstream object, when it is the one `ref` addresses. */
function cachedFor(upstream: KubeObject | undefined, ref: ObjectRef): { cached: KubeObject } | undefined {
  if (upstream === undefined) return undefined;
  const { name, namespace = '', annotations } = upstream.metadata;
  const cluster = annotations?.[CLUSTER_ANNOTATION];
  if (ref.cluster !== undefined && cluster !== undefined && cluster !== ref.cluster) return undefined;
  return name === ref.name && namespace === (ref.namespace ?? '') ? { cached: upstream } : undefined;
}

/**
 * Writes a downstream object's status to its upstream object. The upstream object is found through the
 * namespace locator of the downstream namespace (or, cluster-scoped, of the object itself) and keeps the
 * downstream name. The status goes through the extractor registered for the GVR and the per-SyncTarget
 * annotations (see {@link syncAggregatedStatus}), so several agents converge on one merged status; nothing is
 * written when nothing changed, and an upstream object that is gone is not an error.
 */
@injectable()
export class DefaultUpstreamStatusSyncer implements UpstreamStatusSyncer {
  private readonly options: UpstreamOptions;

  constructor(
    @inject(UPSTREAM_KUBE_CLIENT) private readonly client: KubeClient,
    @inject(NAMESPACE_LOCATOR_LOOKUP) private readonly locators: NamespaceLocatorLookup,
    @injectAll(STATUS_EXTRACTOR, { isOptional: true }) private readonly extractors: StatusExtractor[] = [],
    @inject(UPSTREAM_OPTIONS, { isOptional: true }) options: UpstreamOptions = {},
  ) {
    this.options = options;
  }

  async syncStatus(request: StatusRequest): Promise<SyncResult> {
    const { item, context, downstream } = request;
    const key = item.key;
    const noop = (reason: string): SyncResult => ({
      key,
      operation: 'noop',
      success: true,
      conflicts: [],
      reason,
    });

    // ConfigMaps, Secrets, ServiceAccounts...: no status to report, and no request needed to learn that
    // (unless this target once recorded one: that record is then brought up to date below).
    if (downstream !== undefined && downstream.status === undefined && !recorded(request.upstream, context)) {
      return noop('the object has no status');
    }

    const clusterScoped = key.namespace === '';
    const locator = clusterScoped
      ? locatorOfObject(downstream)
      : await this.locators.locatorOf(key.namespace);
    if (!clusterScoped && locator === undefined) {
      return noop(`downstream namespace ${key.namespace} has no namespace locator`);
    }
    if (locator !== undefined && !isOurs(locator, context.syncTarget)) {
      return noop(`belongs to SyncTarget ${locator.syncTarget.cluster}:${locator.syncTarget.name}`);
    }
    const cluster = locator?.cluster || context.cluster;
    const mode = this.options.upstreamMode ?? 'virtual-workspace';
    if (cluster === '' && mode !== 'plain') return noop('upstream logical cluster unknown');
    const ref: ObjectRef = {
      ...upstreamScope(mode, cluster, clusterScoped ? '' : (locator?.namespace ?? '')),
      name: key.name,
    };
    const extractor = extractorFor(this.extractors, context.gvr);
    const outcome = await syncAggregatedStatus({
      client: this.client,
      gvr: context.gvr,
      ref,
      syncTargetKey: context.syncTarget.key,
      own: downstream === undefined ? undefined : extractor.extract(downstream),
      extractor,
      conflictRetries: this.options.conflictRetries ?? 5,
      ...(cachedFor(request.upstream, ref) ?? {}),
    });
    const conflicts =
      outcome.conflicts === 0
        ? []
        : [
            {
              kind: 'stale-resource-version',
              message: `${outcome.conflicts} write(s) met a newer upstream object`,
              resolution: 're-read and retried',
            },
          ];
    return {
      key,
      operation: outcome.operation,
      success: true,
      conflicts,
      ...(outcome.object === undefined ? {} : { object: outcome.object }),
      ...(outcome.reason === undefined ? {} : { reason: outcome.reason }),
    };
  }
}
