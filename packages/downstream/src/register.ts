import { registerConflict } from '@kcp-tmc/conflict';
import {
  CONFLICT_RESOLVER_REGISTRY,
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
import { registerDownstreamParts } from './parts.js';
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
 * Binds DOWNSTREAM_SYNCER (DefaultDownstreamSyncer) and its parts (tokens.ts: applier, deleter, retention,
 * namespaces, live reads, upstream writes; parts.ts), RESOURCE_STATE_STORE (in memory) and @kcp-tmc/conflict's
 * resolvers (registerConflict) unless bound, DOWNSTREAM_OPTIONS, DOWNSTREAM_CONFIG when given or missing, and
 * WORKSPACE_DNS with `dns`; one instance per container. Needs DOWNSTREAM_KUBE_CLIENT, UPSTREAM_KUBE_CLIENT and
 * SYNC_TARGET; uses DOWNSTREAM_SYNCER_INFORMERS (the engine's: cached reads), NAMESPACE_LOCATOR_LOOKUP, CLOCK and
 * LOGGER when bound.
 */
export function registerDownstream(
  container: DependencyContainer,
  options: RegisterDownstreamOptions = {},
): void {
  const { config, dns, ...downstreamOptions } = options;
  container.register<DownstreamOptions>(DOWNSTREAM_OPTIONS, { useValue: Object.freeze(downstreamOptions) });
  // Given options replace a bound config; without them a bound one (the agent's) stays.
  const keepBound = config === undefined && container.isRegistered(DOWNSTREAM_CONFIG, true);
  if (!keepBound) {
    const merged: DownstreamConfig = { ...DEFAULT_DOWNSTREAM_CONFIG, ...config };
    container.register<DownstreamConfig>(DOWNSTREAM_CONFIG, { useValue: Object.freeze(merged) });
  }
  if (!container.isRegistered(CONFLICT_RESOLVER_REGISTRY, true)) registerConflict(container);
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
  registerDownstreamParts(container);
  container.register(DOWNSTREAM_SYNCER, {
    useFactory: instancePerContainerCachingFactory((c) => c.resolve(DefaultDownstreamSyncer)),
  });
}
