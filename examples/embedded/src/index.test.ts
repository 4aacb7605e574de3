import { ResourceStateValue, stateLabel, toSyncTargetKey } from '@kcp-tmc/interfaces';
import { startKubeSimulator } from '@kcp-tmc/testing';
import { describe, expect, it } from 'vitest';
import { startEmbeddedSyncer } from './index.js';

const post = (url: string, body: unknown) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

describe('embedded engine + downstream syncer', () => {
  it('syncs a Secret from a plain upstream to the downstream', async () => {
    const upstream = await startKubeSimulator();
    const downstream = await startKubeSimulator();
    try {
      await post(`${upstream.url}/apis/workload.kcp.io/v1alpha1/synctargets`, {
        apiVersion: 'workload.kcp.io/v1alpha1',
        kind: 'SyncTarget',
        metadata: { name: 'lib' },
      });
      const syncer = await startEmbeddedSyncer({
        upstreamKubeconfig: upstream.kubeconfig,
        downstreamKubeconfig: downstream.kubeconfig,
        syncTargetName: 'lib',
      });
      try {
        const key = toSyncTargetKey('default', 'lib');
        await post(`${upstream.url}/api/v1/namespaces/default/secrets`, {
          apiVersion: 'v1',
          kind: 'Secret',
          metadata: { name: 'token', labels: { [stateLabel(key)]: ResourceStateValue.Sync } },
          stringData: { value: 's3cret' },
        });
        const deadline = Date.now() + 20_000;
        let found: Array<{ data?: Record<string, string> }> = [];
        while (found.length === 0 && Date.now() < deadline) {
          const res = await fetch(`${downstream.url}/api/v1/secrets?fieldSelector=metadata.name%3Dtoken`);
          found = ((await res.json()) as { items: typeof found }).items;
          if (found.length === 0) await new Promise((resolve) => setTimeout(resolve, 50));
        }
        expect(found).toHaveLength(1);
        expect(Buffer.from(found[0]?.data?.value ?? '', 'base64').toString()).toBe('s3cret');
        expect(syncer.engine.getStatus().connected).toBe(true);
      } finally {
        await syncer.stop();
      }
    } finally {
      await Promise.all([upstream.stop(), downstream.stop()]);
    }
  });
});
