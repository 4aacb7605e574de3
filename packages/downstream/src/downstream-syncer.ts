import {
  type ApplyRequest,
  CLOCK,
  type Clock,
  type ClusterKey,
  CONFLICT_RESOLVER_REGISTRY,
  type ConflictResolverRegistry,
  classifyError,
  clusterKey,
  DEFAULT_CLUSTER_NAME,
  DEFAULT_DOWNSTREAM_CONFIG,
  DEFAULT_ENGINE_CONFIG,
  type DeleteRequest,
  DOWNSTREAM_CLUSTER_LABEL,
  DOWNSTREAM_CONFIG,
  DOWNSTREAM_INFORMER_FACTORY,
  DOWNSTREAM_KUBE_CLIENT,
  type DownstreamConfig,
  type DownstreamSyncer,
  ENGINE_CONFIG,
  type EngineConfig,
  encodeClusterKey,
  type GVR,
  gvrToString,
  type Informer,
  type InformerFactory,
  type KubeClient,
  type KubeObject,
  LOGGER,
  type Logger,
  NAMESPACE_LOCATOR_LOOKUP,
  NAMESPACES_GVR,
  type NamespaceLocatorLookup,
  NOOP_LOGGER,
  RESOURCE_STATE_STORE,
  type ResourceStateStore,
  SYNC_TARGET,
  SYSTEM_CLOCK,
  type SyncResult,
  type SyncTargetRef,
  TmcError,
  TmcErrorType,
  UPSTREAM_KUBE_CLIENT,
} from '@kcp-tmc/interfaces';
import { inject, injectable } from 'tsyringe';
import { Applier, type LiveReader } from './apply/applier.js';
import { isNamespacesGvr } from './constants.js';
import { Deleter } from './delete/deleter.js';
import type { WorkspaceDns } from './dns/workspace-dns.js';
import { NamespaceCleaner } from './namespace/cleaner.js';
import { NamespaceEnsurer } from './namespace/ensure-namespace.js';
import type { DownstreamOptions } from './options.js';
import { RetentionRegistry } from './retain/registry.js';
import { DEFAULT_RETENTION_RULES } from './retain/rules.js';
import { InMemoryResourceStateStore } from './state/state-store.js';
import { DOWNSTREAM_OPTIONS, WORKSPACE_DNS } from './tokens.js';
import { UpstreamWriter } from './upstream.js';

/**
 * The spec path downstream (kcp's spec syncer): namespaces, diff against what we last applied, retention of
 * downstream-owned fields, writes by the GVR's strategy with conflict resolution, deletion with the upstream
 * finalizer (drift is corrected by re-applying: the engine re-queues a drifted object's upstream key) and the delayed clean-up of empty namespaces.
 */
@injectable()
export class DefaultDownstreamSyncer implements DownstreamSyncer {
  readonly retention: RetentionRegistry;
  readonly namespaceCleaner: NamespaceCleaner;
  private readonly applier: Applier;
  private readonly deleter: Deleter;
  private readonly namespaces: NamespaceEnsurer;
  private readonly cluster: string;
  private readonly resyncPeriodMs: number;
  private readonly gvrs = new Map<string, GVR>();
  private readonly locks = new Map<string, Promise<unknown>>();
  private readonly logger: Logger;

  constructor(
    @inject(DOWNSTREAM_KUBE_CLIENT) private readonly client: KubeClient,
    @inject(UPSTREAM_KUBE_CLIENT) upstreamClient: KubeClient,
    @inject(SYNC_TARGET) private readonly syncTarget: SyncTargetRef,
    @inject(DOWNSTREAM_CONFIG, { isOptional: true })
    config: DownstreamConfig = DEFAULT_DOWNSTREAM_CONFIG,
    @inject(RESOURCE_STATE_STORE, { isOptional: true })
    readonly states: ResourceStateStore = new InMemoryResourceStateStore(),
    @inject(CONFLICT_RESOLVER_REGISTRY, { isOptional: true }) resolvers?: ConflictResolverRegistry,
    @inject(DOWNSTREAM_INFORMER_FACTORY, { isOptional: true }) private readonly informers?: InformerFactory,
    @inject(NAMESPACE_LOCATOR_LOOKUP, { isOptional: true }) locators?: NamespaceLocatorLookup,
    @inject(DOWNSTREAM_OPTIONS, { isOptional: true }) options: DownstreamOptions = {},
    @inject(ENGINE_CONFIG, { isOptional: true }) engineConfig: Pick<
      EngineConfig,
      'resyncPeriodMs'
    > = DEFAULT_ENGINE_CONFIG,
    @inject(CLOCK, { isOptional: true }) clock: Clock = SYSTEM_CLOCK,
    @inject(LOGGER, { isOptional: true }) logger: Logger = NOOP_LOGGER,
    @inject(WORKSPACE_DNS, { isOptional: true }) private readonly dns?: WorkspaceDns,
  ) {
    this.logger = logger.child({ component: 'downstream-syncer' });
    this.cluster = options.downstreamCluster ?? DEFAULT_CLUSTER_NAME;
    this.resyncPeriodMs = options.resyncPeriodMs ?? engineConfig.resyncPeriodMs;
    this.retention = new RetentionRegistry(
      [...DEFAULT_RETENTION_RULES, ...(options.retentionRules ?? [])],
      config.preserveFields,
    );
    const upstream = new UpstreamWriter(
      upstreamClient,
      syncTarget.key,
      options.upstreamByCluster ?? true,
      this.logger,
    );
    const live: LiveReader = {
      cached: (gvr, namespace, name) => this.cached(gvr, namespace, name),
      get: (gvr, namespace, name) => this.get(gvr, namespace, name),
    };
    this.namespaces = new NamespaceEnsurer(client, syncTarget, (name) =>
      this.cached(NAMESPACES_GVR, '', name),
    );
    this.namespaceCleaner = new NamespaceCleaner({
      client,
      clock,
      logger: this.logger,
      syncTargetKey: syncTarget.key,
      delayMs: config.namespaceCleanDelayMs,
      gvrs: () => [...this.gvrs.values()],
      onDeleted: (namespace) => this.namespaces.forget(namespace),
    });
    this.applier = new Applier({
      client,
      config,
      syncTarget,
      retention: this.retention,
      states: this.states,
      namespaces: this.namespaces,
      upstream,
      live,
      resolvers,
      logger: this.logger,
      ...(dns === undefined ? {} : { dns }),
      ...(options.maxObjectBytes === undefined ? {} : { maxObjectBytes: options.maxObjectBytes }),
    });
    this.deleter = new Deleter({
      client,
      config,
      syncTarget,
      states: this.states,
      upstream,
      live,
      locators,
      cleaner: this.namespaceCleaner,
      logger: this.logger,
      ...(options.deleteRecheckMs === undefined ? {} : { recheckMs: options.deleteRecheckMs }),
    });
  }

  apply(request: ApplyRequest): Promise<SyncResult> {
    return this.exclusive(request.item.key, async () => {
      const { key } = request.item;
      if (!isNamespacesGvr(key.gvr)) this.gvrs.set(gvrToString(key.gvr), key.gvr);
      try {
        const result = await this.applier.apply(request);
        const namespace = request.desired.metadata.namespace ?? '';
        if (namespace !== '') this.namespaceCleaner.cancel(namespace);
        return result;
      } catch (err) {
        return { key, operation: 'noop', success: false, conflicts: [], error: classifyError(err, 'apply') };
      }
    });
  }

  delete(request: DeleteRequest): Promise<SyncResult> {
    return this.exclusive(request.item.key, async () => {
      const { key } = request.item;
      try {
        return await this.deleter.delete(request);
      } catch (err) {
        return { key, operation: 'noop', success: false, conflicts: [], error: classifyError(err, 'delete') };
      }
    });
  }

  planNamespaceCleaning(downstreamNamespace: string): void {
    this.namespaceCleaner.schedule(downstreamNamespace);
  }

  cancelNamespaceCleaning(downstreamNamespace: string): void {
    this.namespaceCleaner.cancel(downstreamNamespace);
  }

  /** Stops pending namespace clean-ups. */
  stop(): void {
    this.namespaceCleaner.stop();
    this.dns?.stop();
  }

  /** One operation per upstream key at a time (the engine's queue already ensures it; direct callers may not). */
  private exclusive<T>(key: ClusterKey, work: () => Promise<T>): Promise<T> {
    const id = encodeClusterKey(key);
    const previous = this.locks.get(id) ?? Promise.resolve();
    const next = previous.then(work, work);
    const settled = next.catch(() => undefined);
    this.locks.set(id, settled);
    void settled.then(() => {
      if (this.locks.get(id) === settled) this.locks.delete(id);
    });
    return next;
  }

  private informer(gvr: GVR): Informer | undefined {
    if (this.informers === undefined) return undefined;
    // The same options as the engine's downstream informers, so the factory hands out the running one.
    return this.informers.informerFor({
      gvr,
      labelSelector: `${DOWNSTREAM_CLUSTER_LABEL}=${this.syncTarget.key}`,
      resyncPeriodMs: this.resyncPeriodMs,
    });
  }

  private cached(gvr: GVR, namespace: string, name: string): KubeObject | undefined | 'unknown' {
    const informer = this.informer(gvr);
    if (informer === undefined || !informer.hasSynced()) return 'unknown';
    return informer.get(clusterKey(this.cluster, gvr, namespace, name));
  }

  private async get(gvr: GVR, namespace: string, name: string): Promise<KubeObject | undefined> {
    try {
      return await this.client.get(gvr, { name, ...(namespace === '' ? {} : { namespace }) });
    } catch (err) {
      if (err instanceof TmcError && err.type === TmcErrorType.NotFound) return undefined;
      throw err;
    }
  }
}
