import { readFileSync } from 'node:fs';
import { AGENT_NODE_OPTIONS } from '@kcp-tmc/syncer-agent';
import {
  type AgentProcess,
  createConfigMaps,
  createNamespaces,
  DownstreamWatch,
  mergePatch,
  pool,
  round,
  spawnAgent,
  startBenchWorld,
  syncLabels,
  upstreamBase,
} from './agent-support.js';
import type { Benchmark } from './registry.js';

// The agent's memory as the Deployment runs it (its NODE_OPTIONS), on the simulators: how it grows with the
// objects it holds (issue 17: linear from 1k to 50k), and whether it stays flat over a million change events.

const MiB = 2 ** 20;
const SCALE_STEPS = [1_000, 10_000, 50_000];
const NAMESPACES = 100;
const SOAK_OBJECTS = 1_000;
const SOAK_EVENTS = Number(process.env.KCP_TMC_BENCH_SOAK_EVENTS ?? 1_000_000);
const SOAK_SAMPLES = 10;

export interface MemorySample {
  /** Resident set now, and its high-water mark since the agent started (VmHWM). */
  rssMiB: number;
  peakRssMiB: number;
  /** V8's used heap, from the agent's own process metrics. */
  heapUsedMiB: number;
}

/** RSS and peak from /proc, the used heap from the agent's `nodejs_heap_size_used_bytes`. */
async function sample(agent: AgentProcess): Promise<MemorySample> {
  const status = readFileSync(`/proc/${agent.child.pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? Number.NaN);
  const heap = /^nodejs_heap_size_used_bytes (\S+)$/m.exec(await agent.metricsText())?.[1];
  return {
    rssMiB: round((kb('VmRSS') * 1024) / MiB, 1),
    peakRssMiB: round((kb('VmHWM') * 1024) / MiB, 1),
    heapUsedMiB: round(Number(heap ?? Number.NaN) / MiB, 1),
  };
}

/** Once the work queues stayed empty for 2 s: what the agent holds when nothing is in flight. */
async function settled(agent: AgentProcess): Promise<MemorySample> {
  await agent.idle(2_000, 600_000);
  return sample(agent);
}

export const agentMemoryScale: Benchmark = {
  name: 'agent-memory-scale',
  description: `syncer-agent process as deployed (NODE_OPTIONS="${AGENT_NODE_OPTIONS}"): RSS, peak RSS and heap at idle, then holding ${SCALE_STEPS.join(' / ')} ConfigMaps in ${NAMESPACES} namespaces (simulators)`,
  async run() {
    const w = await startBenchWorld();
    const watch = new DownstreamWatch();
    try {
      const namespaces = Array.from({ length: NAMESPACES }, (_, i) => `ns-${i}`);
      await createNamespaces(w, upstreamBase(w), namespaces);
      await watch.start(w);
      const agent = await spawnAgent(w, AGENT_NODE_OPTIONS);
      await agent.started(120_000);
      const steps: Array<{ objects: number } & MemorySample> = [{ objects: 0, ...(await settled(agent)) }];
      let created = 0;
      for (const objects of SCALE_STEPS) {
        await createConfigMaps(
          w,
          upstreamBase(w),
          namespaces,
          objects - created,
          `cm-${created}`,
          syncLabels(),
        );
        created = objects;
        await watch.until(() => watch.seen.size >= objects, `${objects} objects downstream`, 900_000);
        steps.push({ objects, ...(await settled(agent)) });
      }
      await agent.stop();
      return { nodeOptions: AGENT_NODE_OPTIONS, namespaces: NAMESPACES, steps, perObject: slopes(steps) };
    } finally {
      watch.stop();
      await w.stop();
    }
  },
};

/** Settled RSS and heap per object between consecutive steps: equal slopes are linear growth. */
function slopes(steps: ReadonlyArray<{ objects: number } & MemorySample>) {
  return steps.slice(1).map((step, i) => {
    const before = steps[i] as { objects: number } & MemorySample;
    const added = step.objects - before.objects;
    return {
      from: before.objects,
      to: step.objects,
      rssKiBPerObject: round(((step.rssMiB - before.rssMiB) * 1024) / added, 2),
      heapKiBPerObject: round(((step.heapUsedMiB - before.heapUsedMiB) * 1024) / added, 2),
    };
  });
}

export const agentSoak: Benchmark = {
  name: 'agent-soak',
  description: `syncer-agent process as deployed: RSS and heap over ${SOAK_EVENTS} upstream change events on ${SOAK_OBJECTS} ConfigMaps (simulators), sampled ${SOAK_SAMPLES} times once the queues are idle`,
  async run() {
    const w = await startBenchWorld();
    const watch = new DownstreamWatch();
    try {
      const namespaces = Array.from({ length: 10 }, (_, i) => `ns-${i}`);
      await createNamespaces(w, upstreamBase(w), namespaces);
      await createConfigMaps(w, upstreamBase(w), namespaces, SOAK_OBJECTS, 'cm', syncLabels());
      await watch.start(w);
      const agent = await spawnAgent(w, AGENT_NODE_OPTIONS);
      await watch.until(() => watch.seen.size >= SOAK_OBJECTS, `${SOAK_OBJECTS} objects downstream`, 600_000);
      const samples: Array<{ events: number; agentEventsPerSec: number } & MemorySample> = [];
      const perSample = Math.ceil(SOAK_EVENTS / SOAK_SAMPLES);
      for (let done = 0; done < SOAK_EVENTS; ) {
        const batch = Math.min(perSample, SOAK_EVENTS - done);
        const start = performance.now();
        await pool(batch, 32, async (i) => {
          const n = (done + i) % SOAK_OBJECTS;
          const status = await mergePatch(
            `${upstreamBase(w)}/api/v1/namespaces/${namespaces[n % namespaces.length]}/configmaps/cm-${n}`,
            { data: { seq: String(done + i) } },
            w.http,
          );
          if (status !== 200) throw new Error(`upstream patch: ${status}`);
        });
        const memory = await settled(agent);
        done += batch;
        samples.push({
          events: done,
          agentEventsPerSec: round(batch / ((performance.now() - start) / 1000), 0),
          ...memory,
        });
      }
      await agent.stop();
      // The first sample is after warm-up (JIT, caches, pools): growth is judged from it to the last.
      const first = samples[0] as MemorySample;
      const last = samples[samples.length - 1] as MemorySample;
      return {
        nodeOptions: AGENT_NODE_OPTIONS,
        objects: SOAK_OBJECTS,
        events: SOAK_EVENTS,
        samples,
        rssGrowthFromFirstSample: round(last.rssMiB / first.rssMiB - 1, 3),
        heapGrowthFromFirstSample: round(last.heapUsedMiB / first.heapUsedMiB - 1, 3),
        flatTargetMet: last.rssMiB / first.rssMiB - 1 < 0.05,
      };
    } finally {
      watch.stop();
      await w.stop();
    }
  },
};
