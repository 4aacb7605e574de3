import { AGENT_NODE_OPTIONS } from '@kcp-tmc/syncer-agent';
import {
  createConfigMaps,
  createNamespaces,
  DownstreamWatch,
  latencySummary,
  mergePatch,
  paced,
  round,
  spawnAgent,
  startBenchWorld,
  syncLabels,
  upstreamBase,
} from './agent-support.js';
import type { Benchmark } from './registry.js';

// The agent process end to end, against the same downstream server's own figures measured in this run:
// - initial sync of 10k ConfigMaps in 100 namespaces (agent start to the last object downstream) vs raw creates
//   of 10k ConfigMaps in 100 new namespaces into that server (16 in flight);
// - resident memory of the agent holding 10k objects;
// - upstream change -> downstream applied latency at 200 changes/s vs the server's own write latency at the
//   same rate (merge patches to the same kind of object), in steady state: once the agent's work queues have
//   stayed empty for 500 ms after the initial sync (`initialSyncSettledMs`).

const OBJECTS = 10_000;
const NAMESPACES = 100;
const RATE = 200;
const CHANGES = 2_000;

function agentSyncBenchmark(name: string, nodeOptions: string, how: string): Benchmark {
  return {
    name,
    description: `syncer-agent process (${how}): initial sync of ${OBJECTS} objects in ${NAMESPACES} namespaces vs raw creates, RSS, p50/p99 change latency at ${RATE}/s vs server write latency`,
    run: () => runAgentSync(nodeOptions),
  };
}

/** The agent with Node's defaults (V8 sizes its heap from the host's memory). */
export const agentSync = agentSyncBenchmark('agent-sync', '', "Node's default heap sizing");
/** The agent as the rendered Deployment runs it: NODE_OPTIONS sizing the heap for its 512Mi limit. */
export const agentSyncDeployed = agentSyncBenchmark(
  'agent-sync-deployed',
  AGENT_NODE_OPTIONS,
  `NODE_OPTIONS="${AGENT_NODE_OPTIONS}" as the manifests deploy it`,
);

async function runAgentSync(nodeOptions: string): Promise<Record<string, unknown>> {
  const w = await startBenchWorld();
  const watch = new DownstreamWatch();
  try {
    const namespaces = Array.from({ length: NAMESPACES }, (_, i) => `ns-${i}`);
    // Raw baseline first, into the same downstream server.
    const rawNamespaces = namespaces.map((n) => `raw-${n}`);
    const rawStart = performance.now();
    await createNamespaces(w, w.downstream.url, rawNamespaces);
    await createConfigMaps(w, w.downstream.url, rawNamespaces, OBJECTS, 'cm', {});
    const rawMs = performance.now() - rawStart;

    await createNamespaces(w, upstreamBase(w), namespaces);
    await createConfigMaps(w, upstreamBase(w), namespaces, OBJECTS, 'cm', syncLabels());
    await watch.start(w);

    const agentStart = performance.now();
    const agent = await spawnAgent(w, nodeOptions);
    await watch.until(() => watch.seen.size >= OBJECTS, `${OBJECTS} objects downstream`, 600_000);
    const initialMs = performance.now() - agentStart;
    // The tail of the initial sync (our own finalizer writes come back as upstream updates, every new
    // downstream object as an add) is drained before the steady-state latency is measured.
    await agent.idle(500, 300_000);
    const settledMs = performance.now() - agentStart - 500;
    const rssAfterSync = agent.rss();
    // Start-up included: what the initial sync cost the agent's CPU, the price of each object's requests.
    const initialSyncCpuSeconds = agent.cpuSeconds();

    // The server's own write latency at the same rate, on objects the agent does not own.
    const serverLatencies: number[] = [];
    await paced(CHANGES, RATE, async (i) => {
      const ns = rawNamespaces[i % NAMESPACES] as string;
      const patch = { metadata: { annotations: { 'bench/seq': `raw-${i}` } } };
      const start = performance.now();
      const status = await mergePatch(
        `${w.downstream.url}/api/v1/namespaces/${ns}/configmaps/cm-${i % OBJECTS}`,
        patch,
        w.http,
      );
      if (status !== 200) throw new Error(`raw patch: ${status}`);
      serverLatencies.push(performance.now() - start);
    });

    // Upstream change -> downstream applied (seen on the downstream watch).
    const sentAt = new Map<string, number>();
    await paced(CHANGES, RATE, async (i) => {
      const n = i % OBJECTS;
      const ns = namespaces[n % NAMESPACES] as string;
      const seq = `up-${i}`;
      sentAt.set(seq, performance.now());
      const status = await mergePatch(
        `${upstreamBase(w)}/api/v1/namespaces/${ns}/configmaps/cm-${n}`,
        { metadata: { annotations: { 'bench/seq': seq } } },
        w.http,
      );
      if (status !== 200) throw new Error(`upstream patch: ${status}`);
    });
    await watch.until(
      () => [...sentAt.keys()].every((seq) => watch.seqAt.has(seq)),
      'every change downstream',
      120_000,
    );
    const agentLatencies = [...sentAt].map(([seq, at]) => (watch.seqAt.get(seq) as number) - at);
    const rssAfterChanges = agent.rss();
    await agent.stop();

    const server = latencySummary(serverLatencies);
    const end2end = latencySummary(agentLatencies);
    const p99Target = 2 * server.p99 + 5;
    return {
      agentNodeOptions: nodeOptions,
      objects: OBJECTS,
      namespaces: NAMESPACES,
      initialSyncMs: round(initialMs, 0),
      rawCreateMs: round(rawMs, 0),
      initialSyncToRawRatio: round(initialMs / rawMs),
      initialSyncTargetMet: initialMs / rawMs <= 1.2,
      initialSyncSettledMs: round(settledMs, 0),
      agentCpuSecondsPer1k: round((initialSyncCpuSeconds / OBJECTS) * 1000, 3),
      agentRssMiB: round(Math.max(rssAfterSync, rssAfterChanges) / 2 ** 20, 1),
      rssTargetMet: Math.max(rssAfterSync, rssAfterChanges) <= 250 * 2 ** 20,
      changesPerSec: RATE,
      changes: CHANGES,
      serverWriteLatencyMs: server,
      changeLatencyMs: end2end,
      p99TargetMs: round(p99Target),
      latencyTargetMet: end2end.p99 <= p99Target,
    };
  } finally {
    watch.stop();
    await w.stop();
  }
}
