import {
  CONFLICT_RESOLVER,
  CONFLICT_RESOLVER_REGISTRY,
  type ConflictResolver,
  type ConflictResolverRegistry,
  DEFAULT_DOWNSTREAM_CONFIG,
  DOWNSTREAM_CLUSTER_LABEL,
  DOWNSTREAM_CONFIG,
  gvr,
} from '@kcp-tmc/interfaces';
import { container, injectable } from 'tsyringe';
import { describe, expect, it } from 'vitest';
import { context, desiredDeployment, existingDeployment, SYNC_TARGET_KEY } from '../test/support/fixtures.js';
import { detectOwnershipConflict } from './detect.js';
import { registerConflict } from './register.js';
import { GvrConflictResolverRegistry } from './registry.js';

const deployments = gvr('apps', 'v1', 'deployments');
const configmaps = gvr('', 'v1', 'configmaps');

describe('registerConflict', () => {
  it('binds upstream-wins as the default and a registry with the per-GVR strategies', () => {
    const child = container.createChildContainer();
    registerConflict(child, { strategies: { 'apps/v1/deployments': 'three-way-merge' } });
    expect(child.resolve<ConflictResolver>(CONFLICT_RESOLVER).strategy).toBe('upstream-wins');
    const registry = child.resolve<ConflictResolverRegistry>(CONFLICT_RESOLVER_REGISTRY);
    expect(registry).toBeInstanceOf(GvrConflictResolverRegistry);
    expect(registry.resolverFor(deployments).strategy).toBe('three-way-merge');
    expect(registry.resolverFor(configmaps).strategy).toBe('upstream-wins');
    // One registry per container, so run-time changes are seen by every user.
    expect(child.resolve(CONFLICT_RESOLVER_REGISTRY)).toBe(registry);
    expect(container.isRegistered(CONFLICT_RESOLVER_REGISTRY)).toBe(false);
  });

  it('reads adoptExisting from DOWNSTREAM_CONFIG when it is registered', async () => {
    const child = container.createChildContainer();
    child.register(DOWNSTREAM_CONFIG, { useValue: { ...DEFAULT_DOWNSTREAM_CONFIG, adoptExisting: true } });
    registerConflict(child);
    const existing = existingDeployment();
    delete existing.metadata.labels?.[DOWNSTREAM_CLUSTER_LABEL];
    const conflict = detectOwnershipConflict(existing, SYNC_TARGET_KEY);
    if (conflict === undefined) throw new Error('expected an ownership conflict');
    const resolution = await child
      .resolve<ConflictResolverRegistry>(CONFLICT_RESOLVER_REGISTRY)
      .resolverFor(deployments)
      .resolve({ context: context(), conflict, desired: desiredDeployment(), existing, attempt: 1 });
    expect(resolution.action).toBe('apply');
  });

  it('lets a class registered for CONFLICT_RESOLVER afterwards replace the default', () => {
    @injectable()
    class AlwaysKeep implements ConflictResolver {
      readonly strategy = 'always-keep';
      resolve() {
        return { action: 'keep-existing' as const, reason: 'policy' };
      }
    }
    const child = container.createChildContainer();
    registerConflict(child);
    child.register(CONFLICT_RESOLVER, { useClass: AlwaysKeep });
    expect(
      child.resolve<ConflictResolverRegistry>(CONFLICT_RESOLVER_REGISTRY).resolverFor(configmaps).strategy,
    ).toBe('always-keep');
  });

  it('accepts custom resolvers by strategy name and rejects unknown names up front', () => {
    const custom: ConflictResolver = {
      strategy: 'ask-a-human',
      resolve: () => ({ action: 'abort', reason: 'ask' }),
    };
    const child = container.createChildContainer();
    registerConflict(child, {
      defaultStrategy: 'abort',
      strategies: { 'v1/configmaps': 'ask-a-human' },
      resolvers: [custom],
    });
    const registry = child.resolve<ConflictResolverRegistry>(CONFLICT_RESOLVER_REGISTRY);
    expect(registry.resolverFor(configmaps)).toBe(custom);
    expect(registry.resolverFor(deployments).strategy).toBe('abort');
    expect(() => registerConflict(container.createChildContainer(), { defaultStrategy: 'yolo' })).toThrow(
      /unknown conflict strategy "yolo"/,
    );
  });
});
