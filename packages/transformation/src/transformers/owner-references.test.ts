import type { OwnerReferenceResolver } from '@kcp-tmc/interfaces';
import { describe, expect, it } from 'vitest';
import { context, deployments, upstreamDeployment } from '../../test/support/fixtures.js';
import { OwnerReferencesTransformer } from './owner-references.js';

describe('OwnerReferencesTransformer', () => {
  it('drops upstream owner references without a resolver (as kcp does)', async () => {
    const out = await new OwnerReferencesTransformer().transform(upstreamDeployment(), context(deployments));
    expect(out.metadata).not.toHaveProperty('ownerReferences');
  });

  it('remaps references to synced owners and drops the rest', async () => {
    const object = upstreamDeployment();
    object.metadata.ownerReferences = [
      {
        apiVersion: 'example.com/v1',
        kind: 'App',
        name: 'shop',
        uid: 'up-1',
        controller: true,
        blockOwnerDeletion: true,
      },
      { apiVersion: 'example.com/v1', kind: 'Other', name: 'gone', uid: 'up-2' },
    ];
    const seen: string[] = [];
    const resolver: OwnerReferenceResolver = {
      resolve: async (owner, obj, ctx) => {
        seen.push(`${ctx.cluster}|${obj.metadata.namespace}/${owner.kind}/${owner.name}`);
        return owner.kind === 'App' ? { name: 'shop', uid: 'down-1' } : undefined;
      },
    };
    const out = await new OwnerReferencesTransformer(resolver).transform(object, context(deployments));
    expect(out.metadata.ownerReferences).toEqual([
      {
        apiVersion: 'example.com/v1',
        kind: 'App',
        name: 'shop',
        uid: 'down-1',
        controller: true,
        blockOwnerDeletion: true,
      },
    ]);
    // Resolved while the object still carries its upstream namespace.
    expect(seen).toEqual(['root:org:ws|test/App/shop', 'root:org:ws|test/Other/gone']);
  });

  it('applies only on the way down, to objects with owner references', () => {
    const transformer = new OwnerReferencesTransformer();
    expect(transformer.shouldTransform(upstreamDeployment(), context(deployments))).toBe(true);
    expect(transformer.shouldTransform(upstreamDeployment(), context(deployments, 'up'))).toBe(false);
    expect(transformer.shouldTransform({ metadata: {} }, context(deployments))).toBe(false);
  });
});
