import { ConfigError } from '@kcp-tmc/syncer-agent';
import { startKubeSimulator } from '@kcp-tmc/testing';
import { describe, expect, it } from 'vitest';
import { startAgent } from './main.js';

describe('quickstart', () => {
  it('runs the agent from flags against a plain upstream and serves probes', async () => {
    const upstream = await startKubeSimulator();
    const downstream = await startKubeSimulator();
    try {
      await fetch(`${upstream.url}/apis/workload.kcp.io/v1alpha1/synctargets`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          apiVersion: 'workload.kcp.io/v1alpha1',
          kind: 'SyncTarget',
          metadata: { name: 'qs' },
        }),
      });
      const agent = await startAgent([
        `--from-kubeconfig=${upstream.kubeconfigPath}`,
        `--to-kubeconfig=${downstream.kubeconfigPath}`,
        '--sync-target-name=qs',
        '--upstream-mode=plain',
        '--metrics-bind-address=127.0.0.1:0',
        '--health-probe-bind-address=127.0.0.1:0',
      ]);
      try {
        expect((await fetch(`${agent.endpoints.probes}/livez`)).status).toBe(200);
        expect(agent.status().connected).toBe(true);
      } finally {
        await agent.stop();
      }
    } finally {
      await Promise.all([upstream.stop(), downstream.stop()]);
    }
  });

  it('reports bad flags as ConfigError', async () => {
    await expect(
      startAgent(['--sync-target-name=qs', '--upstream-mode=plain', '--qps=fast']),
    ).rejects.toThrow(ConfigError);
  });
});
