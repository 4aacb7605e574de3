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
  it('binds upstream-wins as the default and a registry with the per-GVR resolvers', () => {
    const child = container.createChildContainer();
    registerConflict(child, { resolverByGvr: { 'apps/v1/deployments': 'three-way-merge' } });
    expect(child.resolve<ConflictResolver>(CONFLICT_RESOLVER).name).toBe('upstream-wins');
    const registry = child.resolve<ConflictResolverRegistry>(CONFLICT_RESOLVER_REGISTRY);
    expect(registry).toBeInstanceOf(GvrConflictResolverRegistry);
    expect(registry.resolverFor(deployments).name).toBe('three-way-merge');
    expect(registry.resolverFor(configmaps).name).toBe('upstream-wins');
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
      readonly name = 'always-keep';
      resolve() {
        return { action: 'keep-existing' as const, reason: 'policy' };
      }
    }
    const child = container.createChildContainer();
    registerConflict(child);
    child.register(CONFLICT_RESOLVER, { useClass: AlwaysKeep });
    expect(
      child.resolve<ConflictResolverRegistry>(CONFLICT_RESOLVER_REGISTRY).resolverFor(configmaps).name,
    ).toBe('always-keep');
  });

  it('accepts custom resolvers by name and rejects unknown names up front', () => {
    const custom: ConflictResolver = {
      name: 'ask-a-human',
      resolve: () => ({ action: 'abort', reason: 'ask' }),
    };
    const child = container.createChildContainer();
    registerConflict(child, {
      defaultResolver: 'abort',
      resolverByGvr: { 'v1/configmaps': 'ask-a-human' },
      resolvers: [custom],
    });
    const registry = child.resolve<ConflictResolverRegistry>(CONFLICT_RESOLVER_REGISTRY);
    expect(registry.resolverFor(configmaps)).toBe(custom);
    expect(registry.resolverFor(deployments).name).toBe('abort');
    expect(() => registerConflict(container.createChildContainer(), { defaultResolver: 'yolo' })).toThrow(
      /unknown conflict resolver "yolo"/,
    );
  });
});
