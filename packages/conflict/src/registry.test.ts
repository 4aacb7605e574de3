import { gvr } from '@kcp-tmc/interfaces';
import { describe, expect, it } from 'vitest';
import { GvrConflictResolverRegistry } from './registry.js';
import {
  AbortResolver,
  DownstreamWinsResolver,
  ThreeWayMergeResolver,
  UpstreamWinsResolver,
} from './resolvers/index.js';

const deploymentsV1 = gvr('apps', 'v1', 'deployments');
const deploymentsV2 = gvr('apps', 'v2', 'deployments');
const configmaps = gvr('', 'v1', 'configmaps');

describe('GvrConflictResolverRegistry', () => {
  it('gives the default to GVRs without their own resolver', () => {
    const registry = new GvrConflictResolverRegistry(new UpstreamWinsResolver());
    expect(registry.resolverFor(configmaps).name).toBe('upstream-wins');
  });

  it('resolves per GVR: exact entries over any-version entries over the default', () => {
    const registry = new GvrConflictResolverRegistry(new UpstreamWinsResolver());
    registry.set('apps/*/deployments', new AbortResolver());
    registry.set(deploymentsV1, new ThreeWayMergeResolver());
    registry.set('v1/configmaps', new DownstreamWinsResolver());
    expect(registry.resolverFor(deploymentsV1).name).toBe('three-way-merge');
    expect(registry.resolverFor(deploymentsV2).name).toBe('abort');
    expect(registry.resolverFor(configmaps).name).toBe('downstream-wins');
    expect(registry.entries().sort()).toEqual([
      ['apps/*/deployments', 'abort'],
      ['apps/v1/deployments', 'three-way-merge'],
      ['v1/configmaps', 'downstream-wins'],
    ]);
  });

  it('removes entries and replaces the default at run time', () => {
    const registry = new GvrConflictResolverRegistry(new UpstreamWinsResolver());
    registry.set(deploymentsV1, new AbortResolver());
    expect(registry.delete('apps/v1/deployments')).toBe(true);
    expect(registry.delete(deploymentsV1)).toBe(false);
    registry.setDefault(new DownstreamWinsResolver());
    expect(registry.resolverFor(deploymentsV1).name).toBe('downstream-wins');
    expect(registry.getDefault().name).toBe('downstream-wins');
  });

  it('rejects malformed GVR names', () => {
    const registry = new GvrConflictResolverRegistry(new UpstreamWinsResolver());
    expect(() => registry.set('deployments', new AbortResolver())).toThrow(/invalid GVR/);
  });
});
