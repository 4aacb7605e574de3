import {
  DEFAULT_DOWNSTREAM_CONFIG,
  DOWNSTREAM_CONFIG,
  DOWNSTREAM_SYNCER,
  type DownstreamConfig,
  RESOURCE_STATE_STORE,
} from '@kcp-tmc/interfaces';
import { type DependencyContainer, instancePerContainerCachingFactory } from 'tsyringe';
import { WorkspaceDns, type WorkspaceDnsOptions } from './dns/workspace-dns.js';
import { DefaultDownstreamSyncer } from './downstream-syncer.js';
import type { DownstreamOptions } from './options.js';
import { InMemoryResourceStateStore } from './state/state-store.js';
import { DOWNSTREAM_OPTIONS, WORKSPACE_DNS, WORKSPACE_DNS_OPTIONS } from './tokens.js';

export interface RegisterDownstreamOptions extends DownstreamOptions {
  /** Merged over DEFAULT_DOWNSTREAM_CONFIG and bound to DOWNSTREAM_CONFIG; without it an existing binding is kept. */
  readonly config?: Partial<DownstreamConfig>;
  /**
   * kcp's per-workspace DNS (the syncer namespace and `--dns-image`): binds WORKSPACE_DNS_OPTIONS and
   * WORKSPACE_DNS (needs DOWNSTREAM_INFORMER_FACTORY and the engine's DOWNSTREAM_SYNCER_INFORMERS), which the downstream syncer then uses.
   */
  readonly dns?: WorkspaceDnsOptions;
}

/**
 * Binds DOWNSTREAM_SYNCER (DefaultDownstreamSyncer), RESOURCE_STATE_STORE (in memory) unless bound,
 * DOWNSTREAM_OPTIONS, DOWNSTREAM_CONFIG when given or missing, and WORKSPACE_DNS with `dns`; one instance
 * per container. Needs DOWNSTREAM_KUBE_CLIENT, UPSTREAM_KUBE_CLIENT and SYNC_TARGET; uses
 * CONFLICT_RESOLVER_REGISTRY, DOWNSTREAM_SYNCER_INFORMERS (the engine's: cached reads), NAMESPACE_LOCATOR_LOOKUP,
 * CLOCK and LOGGER when bound.
 */
export function registerDownstream(
  container: DependencyContainer,
  options: RegisterDownstreamOptions = {},
): void {
  const { config, dns, ...downstreamOptions } = options;
  container.register<DownstreamOptions>(DOWNSTREAM_OPTIONS, { useValue: Object.freeze(downstreamOptions) });
  if (config !== undefined || !container.isRegistered(DOWNSTREAM_CONFIG, true)) {
    container.register<DownstreamConfig>(DOWNSTREAM_CONFIG, {
      useValue: Object.freeze({ ...DEFAULT_DOWNSTREAM_CONFIG, ...config }),
    });
  }
  if (!container.isRegistered(RESOURCE_STATE_STORE, true)) {
    container.register(RESOURCE_STATE_STORE, {
      useFactory: instancePerContainerCachingFactory(() => new InMemoryResourceStateStore()),
    });
  }
  if (dns !== undefined) {
    container.register<WorkspaceDnsOptions>(WORKSPACE_DNS_OPTIONS, { useValue: Object.freeze({ ...dns }) });
    container.register(WORKSPACE_DNS, {
      useFactory: instancePerContainerCachingFactory((c) => c.resolve(WorkspaceDns)),
    });
  }
  container.register(DOWNSTREAM_SYNCER, {
    useFactory: instancePerContainerCachingFactory((c) => c.resolve(DefaultDownstreamSyncer)),
  });
}
