import { gvr, type KubeObject } from '@kcp-tmc/interfaces';
import { SharedInformer } from '@kcp-tmc/kube';
import { benchClient, round, SimulatorThread, settledHeap } from './informer-support.js';
import type { Benchmark } from './registry.js';

const deployments = gvr('apps', 'v1', 'deployments');

async function measure(count: number): Promise<Record<string, unknown>> {
  const sim = new SimulatorThread();
  try {
    const { kubeconfig } = await sim.send({ cmd: 'start' });
    await sim.send({ cmd: 'seed', count, namespaces: 50 });
    const { client, close } = benchClient(kubeconfig);
    try {
      await client.mapping(deployments);
      // Baseline for time: the same paged list (500 per page) without a cache, so the ratio is the informer's.
      const pagedStart = performance.now();
      await client.list(deployments, {}, { limit: 500 });
      const pagedMs = performance.now() - pagedStart;

      const before = await settledHeap();
      const start = performance.now();
      let informer: SharedInformer | undefined = new SharedInformer(client, { gvr: deployments }, {});
      informer.start();
      await informer.waitForSync();
      const syncMs = performance.now() - start;
      const cachedBytes = ((await settledHeap()) - before) / count;
      const cached = informer.size;
      const jsonBytes =
        informer.list().reduce((sum, o) => sum + Buffer.byteLength(JSON.stringify(o)), 0) / count;
      const clusters = informer.byIndex('cluster', 'root:org:ws-1').length;
      await informer.stop();
      informer = undefined;

      // Baseline in the same run: one unpaged list, parsed into plain objects and kept (no cache, no keys).
      const plainBefore = await settledHeap();
      const plainStart = performance.now();
      const plain: KubeObject[] = (await client.list(deployments, {}, { singlePage: true })).items;
      const plainMs = performance.now() - plainStart;
      const plainBytes = ((await settledHeap()) - plainBefore) / plain.length;
      return {
        objects: cached,
        clustersIndexedForWs1: clusters,
        syncMs: round(syncMs, 0),
        objectsPerSec: round((count / syncMs) * 1000, 0),
        jsonBytesPerObject: round(jsonBytes, 0),
        heapBytesPerCachedObject: round(cachedBytes, 0),
        cacheToJsonRatio: round(cachedBytes / jsonBytes),
        baselinePagedListMs: round(pagedMs, 0),
        syncToPagedListTimeRatio: round(syncMs / pagedMs),
        baselineUnpagedListMs: round(plainMs, 0),
        baselinePlainHeapBytesPerObject: round(plainBytes, 0),
        cacheToPlainHeapRatio: round(cachedBytes / plainBytes),
      };
    } finally {
      await close();
    }
  } finally {
    await sim.close();
  }
}

export const informerInitialList: Benchmark = {
  name: 'informer-initial-list',
  description:
    'Informer initial list (paged, 500 per page) of 10k and 50k Deployments from the simulator (in a worker thread): time against the same paged list without a cache, and heap per cached object against its JSON size and against a plain unpaged list parse, all in the same run. Target: cache <= 3x JSON.',
  async run() {
    return { '10k': await measure(10_000), '50k': await measure(50_000) };
  },
};
