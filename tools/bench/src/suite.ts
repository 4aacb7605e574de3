// tsyringe (loaded by the decorated classes of several packages) needs the Reflect metadata API first.
import 'reflect-metadata';
import { agentIdle } from './agent-idle.js';
import { agentMemoryScale, agentSoak } from './agent-memory.js';
import { agentSync, agentSyncDeployed } from './agent-sync.js';
import { agentThroughput } from './agent-throughput.js';
import { dnsLatency } from './dns-latency.js';
import { informerEventLatency } from './informer-event-latency.js';
import { informerInitialList } from './informer-initial-list.js';
import { moduleMemory } from './module-memory.js';
import { queueOps } from './queue-ops.js';
import { realSideBySide } from './real-side-by-side.js';
import type { Benchmark } from './registry.js';
import { simCreates } from './sim-creates.js';
import { simMemory } from './sim-memory.js';
import { simWatchFanout } from './sim-watch-fanout.js';
import { specThroughput } from './spec-throughput.js';
import { transformPipeline } from './transform-pipeline.js';
import { tunnelThroughput } from './tunnel-throughput.js';

// Each benchmark module registers itself here (one line per module).
export const benchmarks: Benchmark[] = [
  queueOps,
  transformPipeline,
  tunnelThroughput,
  informerInitialList,
  informerEventLatency,
  simCreates,
  simWatchFanout,
  simMemory,
  agentThroughput,
  agentSync,
  agentSyncDeployed,
  specThroughput,
  dnsLatency,
  realSideBySide,
  moduleMemory,
  agentMemoryScale,
  agentSoak,
  agentIdle,
];
