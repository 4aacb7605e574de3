import {
  type ApplyRequest,
  CONFLICT_RESOLVER_REGISTRY,
  type ConflictResolverRegistry,
  DOWNSTREAM_KUBE_CLIENT,
  DOWNSTREAM_SYNCER,
  type DownstreamSyncer,
  type KubeClient,
  SYNC_TARGET,
  type SyncResult,
  type SyncTargetRef,
  UPSTREAM_KUBE_CLIENT,
} from '@kcp-tmc/interfaces';
import { container, type DependencyContainer } from 'tsyringe';
import { describe, expect, it } from 'vitest';
import type { Applier } from './apply/applier.js';
import type { DefaultDownstreamSyncer } from './downstream-syncer.js';
import { registerDownstream } from './register.js';
import { RetentionRegistry } from './retain/registry.js';
import { APPLIER, NAMESPACE_CLEANER, RETENTION_REGISTRY } from './tokens.js';

const CONFIGMAPS = { group: '', version: 'v1', resource: 'configmaps' };
const syncTarget: SyncTargetRef = { cluster: 'root:org', name: 'cluster-1', uid: 'uid-1', key: 'key1' };
// Never called: the parts under test are resolved, not used against a server.
const client = {} as KubeClient;

function stack(): DependencyContainer {
  const c = container.createChildContainer();
  c.register(DOWNSTREAM_KUBE_CLIENT, { useValue: client });
  c.register(UPSTREAM_KUBE_CLIENT, { useValue: client });
  c.register(SYNC_TARGET, { useValue: syncTarget });
  return c;
}

describe('registerDownstream', () => {
  it('binds the syncer from its parts, and conflict resolvers when none are bound', () => {
    const c = stack();
    registerDownstream(c, { retentionRules: [] });
    const syncer = c.resolve<DefaultDownstreamSyncer>(DOWNSTREAM_SYNCER);
    expect(syncer.retention).toBe(c.resolve(RETENTION_REGISTRY));
    expect(syncer.namespaceCleaner).toBe(c.resolve(NAMESPACE_CLEANER));
    const registry = c.resolve<ConflictResolverRegistry>(CONFLICT_RESOLVER_REGISTRY);
    expect(registry.resolverFor(CONFIGMAPS).name).toBe('upstream-wins');

    const bound = stack();
    const mine: ConflictResolverRegistry = {
      resolverFor: () => ({ name: 'mine', resolve: () => ({ action: 'abort', reason: 'no' }) }),
    };
    bound.register(CONFLICT_RESOLVER_REGISTRY, { useValue: mine });
    registerDownstream(bound);
    expect(bound.resolve(CONFLICT_RESOLVER_REGISTRY)).toBe(mine);
  });

  it('uses a part registered for its token, before or after the call', async () => {
    const before = stack();
    const retention = new RetentionRegistry([]);
    before.register(RETENTION_REGISTRY, { useValue: retention });
    registerDownstream(before);
    expect(before.resolve<DefaultDownstreamSyncer>(DOWNSTREAM_SYNCER).retention).toBe(retention);

    const after = stack();
    registerDownstream(after);
    const applied: ApplyRequest[] = [];
    const applier = {
      apply: async (request: ApplyRequest): Promise<SyncResult> => {
        applied.push(request);
        return { key: request.item.key, operation: 'noop', success: true, conflicts: [], reason: 'mine' };
      },
    } as unknown as Applier;
    after.register(APPLIER, { useValue: applier });
    const request = {
      item: { key: { cluster: 'root:org', gvr: CONFIGMAPS, namespace: 'ns', name: 'a' } },
      desired: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a', namespace: 'ns' } },
    } as unknown as ApplyRequest;
    const result = await after.resolve<DownstreamSyncer>(DOWNSTREAM_SYNCER).apply(request);
    expect(result.reason).toBe('mine');
    expect(applied).toEqual([request]);
  });
});
