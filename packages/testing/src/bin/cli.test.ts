import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RawClient } from '../conformance/client.js';
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
    } finally {
      await result?.sim.stop();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('prints help and rejects bad flags', async () => {
    expect(await runKubeSim(['--help'])).toBeUndefined();
    await expect(runKubeSim(['--port', 'abc'])).rejects.toThrow('invalid --port');
    await expect(runKubeSim(['--nope'])).rejects.toThrow();
  });
});
