import { type KubeSimulator, startKubeSimulator } from '@kcp-tmc/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RealClient, SyncedConfigMaps } from './real-client.js';

let sim: KubeSimulator;
let client: RealClient;
beforeAll(async () => {
  sim = await startKubeSimulator({ tls: true, token: 'bench-token' });
  client = new RealClient({ url: sim.url, token: 'bench-token', caCertPem: sim.caPem as string }, 2);
});
afterAll(async () => {
  client?.close();
  await sim?.stop();
});

const configMap = (name: string) => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, labels: { bench: 'watched' } },
});

describe('SyncedConfigMaps', () => {
  it('watches on when the server ends its watch, as kube-apiserver does after 30 to 60 minutes', async () => {
    const synced = new SyncedConfigMaps();
    await synced.start(client, 'bench=watched');
    try {
      await client.expect('POST', '/api/v1/namespaces/default/configmaps', [201], configMap('bench-a'));
      await synced.until(() => synced.count('bench-') === 1, 'the first object', 10_000);
      expect(sim.faults.dropWatches()).toBeGreaterThan(0);
      await client.expect('POST', '/api/v1/namespaces/default/configmaps', [201], configMap('bench-b'));
      await synced.until(
        () => synced.count('bench-') === 2,
        'an object created after the watch ended',
        10_000,
      );
      // The version it would go on from is gone (410): it watches on from now.
      sim.faults.compact();
      expect(sim.faults.dropWatches()).toBeGreaterThan(0);
      await client.expect('POST', '/api/v1/namespaces/default/configmaps', [201], configMap('bench-c'));
      await synced.until(() => synced.count('bench-') === 3, 'an object created after a 410', 10_000);
      expect([...synced.seen.keys()].sort()).toEqual([
        'default/bench-a',
        'default/bench-b',
        'default/bench-c',
      ]);
    } finally {
      synced.stop();
    }
  });
});
