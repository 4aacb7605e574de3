import { gvr } from '@kcp-tmc/interfaces';
import { describe, expect, it } from 'vitest';
import { configmaps, context, namespaces, secrets } from '../test/support/fixtures.js';
import { neverSyncedNamespaceFilter, neverSyncedResourceFilter } from './filters.js';

describe('neverSyncedNamespaceFilter', () => {
  it('keeps kube-system, kube-public, kube-node-lease and their contents out', async () => {
    for (const ns of ['kube-system', 'kube-public', 'kube-node-lease']) {
      const object = { metadata: { name: 'x', namespace: ns } };
      expect(await neverSyncedNamespaceFilter.shouldSync(object, context(configmaps, 'down', ns))).toBe(
        false,
      );
      expect(
        await neverSyncedNamespaceFilter.shouldSync(
          { metadata: { name: ns } },
          context(namespaces, 'down', ''),
        ),
      ).toBe(false);
    }
  });

  it('lets everything else through', async () => {
    expect(
      await neverSyncedNamespaceFilter.shouldSync(
        { metadata: { name: 'x', namespace: 'default' } },
        context(configmaps),
      ),
    ).toBe(true);
    expect(
      await neverSyncedNamespaceFilter.shouldSync(
        { metadata: { name: 'default' } },
        context(namespaces, 'down', ''),
      ),
    ).toBe(true);
    expect(
      await neverSyncedNamespaceFilter.shouldSync(
        { metadata: { name: 'pv' } },
        context(configmaps, 'down', ''),
      ),
    ).toBe(true);
  });
});

// kcp: pkg/syncer/syncer.go keeps pods and endpoints out of the spec syncer's resources.
describe('neverSyncedResourceFilter', () => {
  it('keeps pods and endpoints out, in both directions, deleting none of the downstream’s own', async () => {
    for (const resource of ['pods', 'endpoints']) {
      for (const direction of ['down', 'up'] as const) {
        const ctx = context(gvr('', 'v1', resource), direction);
        expect(await neverSyncedResourceFilter.shouldSync({ metadata: { name: 'x' } }, ctx)).toBe(false);
        expect(await neverSyncedResourceFilter.shouldDelete?.({ metadata: { name: 'x' } }, ctx)).toBe(false);
      }
    }
  });

  it('lets other resources through, a pods resource of another group included', async () => {
    for (const ctx of [
      context(configmaps),
      context(secrets),
      context(gvr('metrics.k8s.io', 'v1beta1', 'pods')),
    ]) {
      expect(await neverSyncedResourceFilter.shouldSync({ metadata: { name: 'x' } }, ctx)).toBe(true);
    }
  });
});
