import {
  CONFLICT_RESOLVER,
  CONFLICT_RESOLVER_REGISTRY,
  type ConflictResolver,
  DOWNSTREAM_CONFIG,
  type DownstreamConfig,
} from '@kcp-tmc/interfaces';
import { type DependencyContainer, instancePerContainerCachingFactory } from 'tsyringe';
import { GvrConflictResolverRegistry } from './registry.js';
import { BUILTIN_RESOLVERS, createResolver } from './resolvers/index.js';

/** kcp's syncer applies with force: the upstream object wins unless configured otherwise. */
export const DEFAULT_CONFLICT_RESOLVER = 'upstream-wins';

export interface ConflictOptions {
  /** The resolver (by name) of every GVR without its own; default `upstream-wins`. */
  readonly defaultResolver?: string;
  /** Resolver name per GVR, keyed `apps/v1/deployments` (version `*` for all versions). */
  readonly resolverByGvr?: Readonly<Record<string, string>>;
  /** Resolvers of your own, usable by their `name` in `defaultResolver` and `resolverByGvr`. */
  readonly resolvers?: readonly ConflictResolver[];
}

/**
 * Binds the default resolver to CONFLICT_RESOLVER and a per-GVR registry to CONFLICT_RESOLVER_REGISTRY (one
 * instance per container). Both read DOWNSTREAM_CONFIG (adoptExisting) when it is registered. Register your own
 * class for CONFLICT_RESOLVER after this call to replace the default; the registry picks it up.
 * Unknown resolver names throw here, not at the first conflict.
 */
export function registerConflict(container: DependencyContainer, options: ConflictOptions = {}): void {
  const custom = new Map((options.resolvers ?? []).map((r) => [r.name, r]));
  const names = [
    options.defaultResolver ?? DEFAULT_CONFLICT_RESOLVER,
    ...Object.values(options.resolverByGvr ?? {}),
  ];
  for (const name of names) {
    if (!custom.has(name) && !(BUILTIN_RESOLVERS as readonly string[]).includes(name)) {
      throw new TypeError(
        `unknown conflict resolver "${name}" (known: ${[...BUILTIN_RESOLVERS, ...custom.keys()].join(', ')})`,
      );
    }
  }
  const configOf = (c: DependencyContainer): DownstreamConfig | undefined =>
    c.isRegistered(DOWNSTREAM_CONFIG, true) ? c.resolve<DownstreamConfig>(DOWNSTREAM_CONFIG) : undefined;
  const resolverNamed = (name: string, c: DependencyContainer): ConflictResolver =>
    custom.get(name) ?? createResolver(name, configOf(c));

  container.register<ConflictResolver>(CONFLICT_RESOLVER, {
    useFactory: instancePerContainerCachingFactory((c) =>
      resolverNamed(options.defaultResolver ?? DEFAULT_CONFLICT_RESOLVER, c),
    ),
  });
  container.register<GvrConflictResolverRegistry>(CONFLICT_RESOLVER_REGISTRY, {
    useFactory: instancePerContainerCachingFactory((c) => {
      const registry = new GvrConflictResolverRegistry(c.resolve<ConflictResolver>(CONFLICT_RESOLVER));
      for (const [gvr, name] of Object.entries(options.resolverByGvr ?? {}))
        registry.set(gvr, resolverNamed(name, c));
      return registry;
    }),
  });
}
