import { gvr, type InformerEvent, type KubeObject } from '@kcp-tmc/interfaces';
import { SharedInformer } from '@kcp-tmc/kube';
import { SENT_AT_ANNOTATION } from './informer-sim-worker.js';
import { benchClient, percentile, round, SimulatorThread } from './informer-support.js';
import type { Benchmark } from './registry.js';

const deployments = gvr('apps', 'v1', 'deployments');
const RATE = 1000;
const DURATION_MS = 10_000;
const OBJECTS = 500;

function latencyOf(object: KubeObject, receivedAt: number): number | undefined {
  const sent = object.metadata.annotations?.[SENT_AT_ANNOTATION];
  return sent === undefined ? undefined : receivedAt - Number(sent);
}

function summary(samples: number[]): Record<string, number> {
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    events: sorted.length,
    p50Ms: round(percentile(sorted, 50)),
    p99Ms: round(percentile(sorted, 99)),
    maxMs: round(sorted.at(-1) ?? Number.NaN),
  };
}

export const informerEventLatency: Benchmark = {
  name: 'informer-event-latency',
  description: `Change-to-handler latency of an informer (rxjs subscriber) at ${RATE} updates/s for ${DURATION_MS / 1000} s, the simulator in a worker thread; baseline: a bare watch stream of the same client in the same run.`,
  async run() {
    const sim = new SimulatorThread();
    try {
      const { kubeconfig } = await sim.send({ cmd: 'start' });
      await sim.send({ cmd: 'seed', count: OBJECTS, namespaces: 1 });
      const { client, close } = benchClient(kubeconfig);
      try {
        const informer = new SharedInformer(client, { gvr: deployments, namespace: 'bench-0' }, {});
        const informerSamples: number[] = [];
        const sub = informer.events$.subscribe({
          next: (event: InformerEvent) => {
            if (event.type !== 'update') return;
            const latency = latencyOf(event.object, performance.timeOrigin + performance.now());
            if (latency !== undefined) informerSamples.push(latency);
          },
        });
        informer.start();
        await informer.waitForSync();

        // Baseline: the raw watch stream, parsed, no cache and no rxjs.
        const rawSamples: number[] = [];
        const stop = new AbortController();
        const list = await client.list(deployments, { namespace: 'bench-0' });
        const raw = (async () => {
          for await (const event of client.watch(
            deployments,
            { namespace: 'bench-0' },
            { resourceVersion: list.metadata.resourceVersion as string, signal: stop.signal },
          )) {
            if (event.type !== 'MODIFIED') continue;
            const latency = latencyOf(event.object as KubeObject, performance.timeOrigin + performance.now());
            if (latency !== undefined) rawSamples.push(latency);
          }
        })();

        const { sent } = await sim.send({
          cmd: 'churn',
          ratePerSec: RATE,
          durationMs: DURATION_MS,
          namespace: 'bench-0',
          objects: OBJECTS,
        });
        const deadline = Date.now() + 10_000;
        while ((informerSamples.length < sent || rawSamples.length < sent) && Date.now() < deadline) {
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
        stop.abort();
        await raw;
        sub.unsubscribe();
        await informer.stop();
        const inf = summary(informerSamples);
        const base = summary(rawSamples);
        return {
          sent,
          ratePerSec: RATE,
          informer: inf,
          baselineRawWatch: base,
          p99ToBaselineRatio: round((inf.p99Ms as number) / (base.p99Ms as number)),
        };
      } finally {
        await close();
      }
    } finally {
      await sim.close();
    }
  },
};
