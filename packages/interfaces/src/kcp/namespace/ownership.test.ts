import { describe, expect, it } from 'vitest';
import { namespaceLocator, parseNamespaceLocator } from './locator.js';
import { hasSyncTargetUid, isSyncTargetLocator } from './ownership.js';

const OURS = { cluster: 'root:org', name: 'us-west1', uid: 'uid-1', key: 'k' };

describe('isSyncTargetLocator', () => {
  it('is true for a locator naming our uid and logical cluster', () => {
    expect(isSyncTargetLocator(namespaceLocator('root:ws', OURS, 'ns'), OURS)).toBe(true);
  });

  it.each([
    ['another uid (a SyncTarget of the same name, recreated)', { ...OURS, uid: 'uid-2' }],
    ['another logical cluster', { ...OURS, cluster: 'root:other' }],
  ])('is false for %s', (_, syncTarget) => {
    expect(isSyncTargetLocator(namespaceLocator('root:ws', syncTarget, 'ns'), OURS)).toBe(false);
  });
});

describe('hasSyncTargetUid', () => {
  it("compares the uid alone, as kcp's namespace controller does", () => {
    // A v0.6 locator spells the SyncTarget's cluster as a `path`; only the uid decides here.
    const legacy = parseNamespaceLocator(
      '{"syncTarget":{"path":"root:old-path","name":"us-west1","uid":"uid-1"},"cluster":"root:ws","namespace":"ns"}',
    );
    expect(hasSyncTargetUid(legacy, OURS.uid)).toBe(true);
    expect(isSyncTargetLocator(legacy, OURS)).toBe(false);
    expect(hasSyncTargetUid(namespaceLocator('root:ws', { ...OURS, uid: 'uid-2' }, 'ns'), OURS.uid)).toBe(
      false,
    );
  });
});
