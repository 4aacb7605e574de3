import {
  createConfigMaps,
  createNamespaces,
  DownstreamWatch,
  round,
  spawnAgent,
  startBenchWorld,
  syncLabels,
  upstreamBase,
} from './agent-support.js';
import type { Benchmark } from './registry.js';

// End-to-end throughput of a running, synced agent: N ConfigMaps created upstream (16 in flight) until the
// last is applied downstream, vs the same N raw creates (16 in flight) into the same downstream server.

const SIZES = [1_000, 10_000];
const NAMESPACES = 10;

export const agentThroughput: Benchmark = {
  name: 'agent-throughput',
  description: `syncer-agent process: objects/s end to end (upstream create -> downstream applied) vs raw creates into the same downstream server, ${SIZES.join(' and ')} objects`,
  async run() {
    const w = await startBenchWorld();
    const watch = new DownstreamWatch();
    try {
      await watch.start(w);
      const agent = await spawnAgent(w);
      // A first object proves the agent is up and synced before anything is timed.
      await createNamespaces(w, upstreamBase(w), ['warm']);
      await createConfigMaps(w, upstreamBase(w), ['warm'], 1, 'warm', syncLabels());
      await watch.until(() => watch.seen.size >= 1, 'the agent to sync a first object', 60_000);
      const results: Record<string, unknown> = {};
      let rssMax = agent.rss();
      for (const size of SIZES) {
        // Each size starts with the agent idle (the previous size's follow-up work drained).
        await agent.idle(500, 300_000);
        const upNamespaces = Array.from({ length: NAMESPACES }, (_, i) => `t${size}-${i}`);
        const rawNamespaces = upNamespaces.map((n) => `raw-${n}`);
        await createNamespaces(w, w.downstream.url, rawNamespaces);
        const rawStart = performance.now();
        await createConfigMaps(w, w.downstream.url, rawNamespaces, size, 'cm', {});
        const rawMs = performance.now() - rawStart;

        await createNamespaces(w, upstreamBase(w), upNamespaces);
        const before = watch.seen.size;
        const start = performance.now();
        await createConfigMaps(w, upstreamBase(w), upNamespaces, size, 'cm', syncLabels());
        const createdMs = performance.now() - start;
        await watch.until(() => watch.seen.size >= before + size, `${size} objects downstream`, 600_000);
        const agentMs = performance.now() - start;
        rssMax = Math.max(rssMax, agent.rss());
        const agentPerSec = size / (agentMs / 1000);
        const rawPerSec = size / (rawMs / 1000);
        results[`objects${size}`] = {
          agentObjectsPerSec: round(agentPerSec, 0),
          rawCreatesPerSec: round(rawPerSec, 0),
          ratio: round(agentPerSec / rawPerSec),
          targetMet: agentPerSec / rawPerSec >= 0.9,
          upstreamCreateMs: round(createdMs, 0),
          endToEndMs: round(agentMs, 0),
        };
      }
      await agent.stop();
      return { ...results, agentRssMaxMiB: round(rssMax / 2 ** 20, 1) };
    } finally {
      watch.stop();
      await w.stop();
    }
  },
};
