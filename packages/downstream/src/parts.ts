import {
  CLOCK,
  type Clock,
  CONFLICT_RESOLVER_REGISTRY,
  DOWNSTREAM_CONFIG,
  DOWNSTREAM_KUBE_CLIENT,
  type DownstreamConfig,
  type KubeClient,
  LOGGER,
  type Logger,
  NAMESPACE_LOCATOR_LOOKUP,
  NAMESPACES_GVR,
  NOOP_LOGGER,
  RESOURCE_STATE_STORE,
  SYNC_TARGET,
  SYSTEM_CLOCK,
  type SyncTargetRef,
} from '@kcp-tmc/interfaces';
import { type DependencyContainer, type InjectionToken, instancePerContainerCachingFactory } from 'tsyringe';
import { Applier } from './apply/applier.js';
import { Deleter } from './delete/deleter.js';
import type { WorkspaceDns } from './dns/workspace-dns.js';
import { DownstreamLiveReader, type LiveReader } from './live/live-reader.js';
import { OwnedInformers } from './live/owned-informers.js';
import { NamespaceCleaner } from './namespace/cleaner.js';
import { NamespaceEnsurer } from './namespace/ensure-namespace.js';
import type { DownstreamOptions } from './options.js';
import { RetentionRegistry } from './retain/registry.js';
import { DEFAULT_RETENTION_RULES } from './retain/rules.js';
import {
  APPLIER,
  DELETER,
  DOWNSTREAM_OPTIONS,
  LIVE_READER,
  NAMESPACE_CLEANER,
  NAMESPACE_ENSURER,
  OWNED_INFORMERS,
  RETENTION_REGISTRY,
  UPSTREAM_WRITER,
  WORKSPACE_DNS,
} from './tokens.js';
import { UpstreamWriter } from './upstream.js';

/** Binds `token` to one instance per container, unless this container already binds it (then that one is used). */
function bindDefault<T>(
  container: DependencyContainer,
  token: symbol,
  build: (c: DependencyContainer) => T,
): void {
  if (!container.isRegistered(token)) {
    container.register<T>(token, { useFactory: instancePerContainerCachingFactory(build) });
  }
}

/** `token` when bound here or in a parent; undefined otherwise. */
function bound<T>(c: DependencyContainer, token: InjectionToken<T>): T | undefined {
  return c.isRegistered(token, true) ? c.resolve<T>(token) : undefined;
}

/** The objects every part shares: clients, SyncTarget, config, the logger of the downstream syncer. */
function shared(c: DependencyContainer) {
  return {
    client: c.resolve<KubeClient>(DOWNSTREAM_KUBE_CLIENT),
    config: c.resolve<DownstreamConfig>(DOWNSTREAM_CONFIG),
    syncTarget: c.resolve<SyncTargetRef>(SYNC_TARGET),
    options: c.resolve<DownstreamOptions>(DOWNSTREAM_OPTIONS),
    // Without a bound logger or clock the library defaults: silent, the system clock.
    logger: (bound<Logger>(c, LOGGER) ?? NOOP_LOGGER).child({ component: 'downstream-syncer' }),
    clock: bound<Clock>(c, CLOCK) ?? SYSTEM_CLOCK,
  };
}

/**
 * The parts DefaultDownstreamSyncer is made of, each behind its token (tokens.ts), so one can be replaced by
 * registering another class for it; a part this container already binds is kept.
 */
export function registerDownstreamParts(container: DependencyContainer): void {
  bindDefault(container, OWNED_INFORMERS, (c) => c.resolve(OwnedInformers));
  bindDefault(container, LIVE_READER, (c) => c.resolve(DownstreamLiveReader));
  bindDefault(container, UPSTREAM_WRITER, (c) => c.resolve(UpstreamWriter));
  bindDefault(container, RETENTION_REGISTRY, (c) => {
    const { config, options } = shared(c);
    return new RetentionRegistry(
      [...DEFAULT_RETENTION_RULES, ...(options.retentionRules ?? [])],
      config.preserveFields,
    );
  });
  bindDefault(container, NAMESPACE_ENSURER, (c) => {
    const live = c.resolve<LiveReader>(LIVE_READER);
    const { client, syncTarget } = shared(c);
    return new NamespaceEnsurer(client, syncTarget, (name) => live.cached(NAMESPACES_GVR, '', name));
  });
  bindDefault(container, NAMESPACE_CLEANER, (c) => {
    const { client, clock, logger, syncTarget, config } = shared(c);
    const namespaces = c.resolve<NamespaceEnsurer>(NAMESPACE_ENSURER);
    return new NamespaceCleaner({
      client,
      clock,
      logger,
      syncTargetKey: syncTarget.key,
      delayMs: config.namespaceCleanDelayMs,
      onDeleted: (namespace) => namespaces.forget(namespace),
    });
  });
  bindDefault(container, APPLIER, (c) => {
    const { client, config, syncTarget, logger, options } = shared(c);
    // kcp's per-workspace DNS only when registerDownstream's `dns` bound it.
    const dns = bound<WorkspaceDns>(c, WORKSPACE_DNS);
    return new Applier({
      client,
      config,
      syncTarget,
      logger,
      retention: c.resolve(RETENTION_REGISTRY),
      states: c.resolve(RESOURCE_STATE_STORE),
      namespaces: c.resolve(NAMESPACE_ENSURER),
      upstream: c.resolve(UPSTREAM_WRITER),
      live: c.resolve(LIVE_READER),
      resolvers: c.resolve(CONFLICT_RESOLVER_REGISTRY),
      ...(dns === undefined ? {} : { dns }),
      ...(options.maxObjectBytes === undefined ? {} : { maxObjectBytes: options.maxObjectBytes }),
    });
  });
  bindDefault(container, DELETER, (c) => {
    const { client, config, syncTarget, logger, options } = shared(c);
    return new Deleter({
      client,
      config,
      syncTarget,
      logger,
      states: c.resolve(RESOURCE_STATE_STORE),
      upstream: c.resolve(UPSTREAM_WRITER),
      live: c.resolve(LIVE_READER),
      // The engine's namespace locator lookup when an engine is registered; without it locators are computed.
      locators: bound(c, NAMESPACE_LOCATOR_LOOKUP),
      cleaner: c.resolve(NAMESPACE_CLEANER),
      ...(options.deleteRecheckMs === undefined ? {} : { recheckMs: options.deleteRecheckMs }),
    });
  });
}
