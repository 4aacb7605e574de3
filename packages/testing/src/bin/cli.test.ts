import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { eventually, RawClient } from '../conformance/client.js';
import { runKubeSim } from './cli.js';

describe('kube-sim CLI', () => {
  it('starts a kcp simulator with token, controllers and a kubeconfig file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kube-sim-cli-'));
    const out = join(dir, 'kubeconfig');
    const result = await runKubeSim([
      '--kcp',
      '--cluster',
      'root:team',
      '--token',
      'tok',
      '--controllers',
      '--pod-ready-delay',
      '10',
      '--kubeconfig-out',
      out,
      '--sync-target-heartbeat-threshold',
      '1000',
    ]);
    try {
      expect(result).toBeDefined();
      const { sim, banner } = result!;
      expect(banner[0]).toContain(sim.url);
      expect(banner[0]).toContain('kcp mode');
      const kubeconfig = await readFile(out, 'utf8');
      expect(kubeconfig).toContain('token: tok');
      const client = new RawClient(kubeconfig);
      expect(client.server).toBe(`${sim.url}/clusters/root`);
      const ns = await client.request(
        'GET',
        '/clusters/root:team/api/v1/namespaces/default',
        {},
        client.baseServer,
      );
      expect(ns.status).toBe(200);
      expect(ns.json.metadata.annotations['kcp.io/cluster']).toBe('root:team');
      // A heartbeat 5 s old is stale under a 1 s threshold (kcp's default of 1 minute would call it healthy).
      const st = '/clusters/root:team/apis/workload.kcp.io/v1alpha1/synctargets';
      const made = await client.request(
        'POST',
        st,
        {
          body: {
            apiVersion: 'workload.kcp.io/v1alpha1',
            kind: 'SyncTarget',
            metadata: { name: 'x' },
            spec: {},
          },
        },
        client.baseServer,
      );
      expect(made.status, made.text).toBe(201);
      const beat = new Date(Date.now() - 5000).toISOString().replace(/\.\d{3}Z$/, 'Z');
      const patched = await client.request(
        'PATCH',
        `${st}/x/status`,
        {
          rawBody: JSON.stringify({ status: { lastSyncerHeartbeatTime: beat } }),
          contentType: 'application/merge-patch+json',
        },
        client.baseServer,
      );
      expect(patched.status, patched.text).toBe(200);
      const healthy = await eventually(async () => {
        const got = await client.request('GET', `${st}/x`, {}, client.baseServer);
        const c = got.json.status?.conditions?.find((x: { type: string }) => x.type === 'HeartbeatHealthy');
        return c?.message?.startsWith('No heartbeat since') ? c : undefined;
      });
      expect(healthy.status).toBe('False');
    } finally {
      await result?.sim.stop();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('prints help and rejects bad flags', async () => {
    expect(await runKubeSim(['--help'])).toBeUndefined();
    await expect(runKubeSim(['--port', 'abc'])).rejects.toThrow('invalid --port');
    await expect(runKubeSim(['--nope'])).rejects.toThrow();
    await expect(runKubeSim(['--kcp', '--sync-target-heartbeat-threshold', '0'])).rejects.toThrow(
      'invalid --sync-target-heartbeat-threshold',
    );
  });
});
