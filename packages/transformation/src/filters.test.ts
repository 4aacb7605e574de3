import { describe, expect, it } from 'vitest';
import { neverSyncedNamespaceFilter } from './filters.js';
import { configmaps, context, namespaces } from './test-support/fixtures.js';

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
