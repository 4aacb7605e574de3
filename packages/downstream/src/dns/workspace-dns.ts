import type {
  Clock,
  InformerFactory,
  KubeClient,
  Logger,
  NamespaceLocator,
  SyncContext,
  SyncTargetRef,
} from '@kcp-tmc/interfaces';
import {
  CLOCK,
  DOWNSTREAM_INFORMER_FACTORY,
  DOWNSTREAM_KUBE_CLIENT,
  LOGGER,
  NAMESPACES_GVR,
  NOOP_LOGGER,
  SYNC_TARGET,
  SYSTEM_CLOCK,
} from '@kcp-tmc/interfaces';
import { inject, injectable } from 'tsyringe';
import type { OwnedInformers } from '../live/owned-informers.js';
import { OWNED_INFORMERS, WORKSPACE_DNS_OPTIONS } from '../tokens.js';
import { SyncerNamespaceCache } from './cache.js';
import { DnsNamespaceMapping } from './namespace-mapping.js';
import { type DnsReadiness, WorkspaceDnsProcessor } from './processor.js';

/** kcp's per-workspace DNS, on: where its objects live and the nameserver image. */
export interface WorkspaceDnsOptions {
  /** The syncer's own namespace (kcp: the `NAMESPACE` env of the syncer Deployment). */
  readonly namespace: string;
  /** `--dns-image`: what the per-workspace DNS Deployment runs (`syncer dns start`). */
  readonly image: string;
  /** How long the first use waits for the syncer-namespace informers to list (default 30 s). */
  readonly syncTimeoutMs?: number;
}

/**
 * kcp's per-workspace DNS as the spec path needs it: the DNS objects of a workspace, ensured before anything of
 * it is applied and holding its Deployments back until the nameserver has a ready endpoint
 * ({@link WorkspaceDnsProcessor}); the nameserver IP pods resolve with (a WorkspaceNameserverProvider for
 * @kcp-tmc/transformation); and the namespace map it serves ({@link DnsNamespaceMapping}).
 */
@injectable()
export class WorkspaceDns {
  readonly processor: WorkspaceDnsProcessor;
  readonly mapping: DnsNamespaceMapping;

  constructor(
    @inject(DOWNSTREAM_KUBE_CLIENT) client: KubeClient,
    @inject(DOWNSTREAM_INFORMER_FACTORY) informers: InformerFactory,
    @inject(OWNED_INFORMERS) owned: OwnedInformers,
    @inject(SYNC_TARGET) syncTarget: SyncTargetRef,
    @inject(WORKSPACE_DNS_OPTIONS) options: WorkspaceDnsOptions,
    // Optional: the system clock unless the composition root binds one (tests bind a manual clock).
    @inject(CLOCK, { isOptional: true }) clock: Clock = SYSTEM_CLOCK,
    // Optional: silent unless the composition root binds a logger.
    @inject(LOGGER, { isOptional: true }) logger: Logger = NOOP_LOGGER,
  ) {
    const cache = new SyncerNamespaceCache(
      informers,
      options.namespace,
      owned.cluster,
      options.syncTimeoutMs ?? 30_000,
    );
    this.processor = new WorkspaceDnsProcessor({
      client,
      cache,
      syncTarget,
      image: options.image,
      clock,
      logger,
    });
    // The engine's downstream namespace informer, the one the namespace map watches.
    const namespaces = owned.informerFor(NAMESPACES_GVR);
    if (namespaces === undefined) throw new TypeError('WorkspaceDns: OwnedInformers has no informer factory');
    this.mapping = new DnsNamespaceMapping({
      client,
      namespaces,
      syncTargetUid: syncTarget.uid,
      dnsNamespace: options.namespace,
      nameFor: (c) => this.processor.nameFor(c),
      clock,
      logger,
    });
  }

  /** Ensures the workspace's DNS objects and says whether its nameserver is ready (kcp: EnsureDNSUpAndReady). */
  ensureReady(locator: NamespaceLocator): Promise<DnsReadiness> {
    this.mapping.start();
    return this.processor.ensureReady(locator);
  }

  /** The workspace's nameserver IP, for pod templates (transformation's WorkspaceNameserverProvider). */
  nameserverFor(context: SyncContext): Promise<string> {
    this.mapping.start();
    return this.processor.nameserverFor(context);
  }

  stop(): void {
    this.mapping.stop();
  }
}
