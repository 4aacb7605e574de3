import { describe, expect, it } from 'vitest';
import {
  context,
  deployments,
  KCP_TEST_SYNC_TARGET_KEY,
  syncTarget,
  upstreamDeployment,
} from '../test-support/fixtures.js';
import { LabelsTransformer } from './labels.js';

const transformer = new LabelsTransformer();

describe('LabelsTransformer', () => {
  it("swaps every state label for the ownership label (kcp's key) and the informational labels", () => {
    const out = transformer.transform(upstreamDeployment(), context(deployments));
    expect(out.metadata.labels).toEqual({
      app: 'web',
      'internal.workload.kcp.io/cluster': KCP_TEST_SYNC_TARGET_KEY,
      'kcp.io/sync-target': 'us-west1',
      'kcp.io/managed': 'true',
    });
  });

  it('leaves out kcp.io/sync-target when the SyncTarget name is not a valid label value', () => {
    const long = {
      ...context(deployments),
      syncTarget: { ...syncTarget, name: `${'a'.repeat(60)}.example.com` },
    };
    const out = transformer.transform({ metadata: { name: 'x' } }, long);
    expect(out.metadata.labels).not.toHaveProperty('kcp.io/sync-target');
    expect(out.metadata.labels?.['internal.workload.kcp.io/cluster']).toBe(KCP_TEST_SYNC_TARGET_KEY);
  });

  it('removes what it added on the way up, and drops an emptied label map', () => {
    const down = transformer.transform(upstreamDeployment(), context(deployments));
    expect(transformer.transform(down, context(deployments, 'up')).metadata.labels).toEqual({ app: 'web' });
    const bare = transformer.transform(
      { metadata: { name: 'x', labels: { 'kcp.io/managed': 'true' } } },
      context(deployments, 'up'),
    );
    expect(bare.metadata).toEqual({ name: 'x' });
  });
});
