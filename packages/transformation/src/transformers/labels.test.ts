import { describe, expect, it } from 'vitest';
import {
  context,
  deployments,
  KCP_TEST_SYNC_TARGET_KEY,
  syncTarget,
  upstreamDeployment,
} from '../../test/support/fixtures.js';
import { LabelsTransformer } from './labels.js';

const transformer = new LabelsTransformer();

describe('LabelsTransformer', () => {
  // kcp: pkg/syncer/spec/spec_process.go deletes its own state label only and adds the ownership label; nothing
  // else (ground-truth/go-syncer/downstream-ns-*.json: no kcp.io/managed, no kcp.io/sync-target).
  it("swaps our SyncTarget's state label for the ownership label and copies every other label", () => {
    const out = transformer.transform(upstreamDeployment(), context(deployments));
    expect(out.metadata.labels).toEqual({
      app: 'web',
      'state.workload.kcp.io/otherSyncTargetKey': 'Sync',
      'internal.workload.kcp.io/cluster': KCP_TEST_SYNC_TARGET_KEY,
    });
    expect(syncTarget.key).toBe(KCP_TEST_SYNC_TARGET_KEY);
  });

  it('removes what it added on the way up, and drops an emptied label map', () => {
    const down = transformer.transform(upstreamDeployment(), context(deployments));
    expect(transformer.transform(down, context(deployments, 'up')).metadata.labels).toEqual({
      app: 'web',
      'state.workload.kcp.io/otherSyncTargetKey': 'Sync',
    });
    const bare = transformer.transform(
      { metadata: { name: 'x', labels: { 'internal.workload.kcp.io/cluster': 'k' } } },
      context(deployments, 'up'),
    );
    expect(bare.metadata).toEqual({ name: 'x' });
  });
});
