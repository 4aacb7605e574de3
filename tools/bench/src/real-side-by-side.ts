import { readFileSync } from 'node:fs';
import { AGENT_NODE_OPTIONS } from '@kcp-tmc/syncer-agent';
import { type KcpWorld, realKcpUnavailable, type SyncerKind, startKcpWorld } from '@kcp-tmc/testing';
import { configMap, pool, round } from './agent-support.js';
import {
  adminUsersOf,
  downstreamSelector,
  RealClient,
  SyncedConfigMaps,
  scheduledSelector,
} from './real-client.js';
import { load1, pidsOf } from './real-measure.js';
import { type PhaseContext, runSyncer } from './real-phases.js';
import { type RealSizes, realSizes } from './real-sizes.js';
import type { Benchmark } from './registry.js';

// kcp's Go syncer and our agent (the CLI as a process) in turn, with the same generated arguments and equal
// QPS/burst, against real kcp v0.11 upstream and a real kube-apiserver + etcd downstream (each its own process),
// plus the downstream's raw create rate by a client with the same concurrency. Every ratio is from this one run.
// Sizes: `pnpm bench real-side-by-side --size=quick` (default, < 2 min of phases), `--size=full`, or
// `--size=deployed` (1k at kcp's generated --qps=20 --burst=30); `--fresh-servers` gives each syncer its own servers.

export const realSideBySide: Benchmark = {
  name: 'real-side-by-side',
  description:
    "kcp's Go syncer vs our agent on real kcp v0.11 + real kube-apiserver: throughput, initial sync, change latency, namespace deletion, requests per object, RSS, CPU; raw create rate as the limit",
  run: () => {
    const argv = process.argv.slice(2);
    return runSideBySide(realSizes(argv), syncersOf(argv), argv.includes('--fresh-servers'));
  },
};

/**
 * `--syncers=go,agent` (the default order), `--syncers=agent,go` (the second syncer runs on servers the first
 * has worked; swapping shows what that costs, `--fresh-servers` removes it), or one of them alone (for profiling;
 * no ratios then).
 */
function syncersOf(argv: readonly string[]): SyncerKind[] {
  const value = argv.find((a) => a.startsWith('--syncers='))?.slice('--syncers='.length) ?? 'go,agent';
  const kinds = value.split(',');
  const valid = kinds.every((k) => k === 'go' || k === 'agent') && new Set(kinds).size === kinds.length;
  if (!valid || kinds.length === 0) throw new Error(`--syncers: go and/or agent, got ${value}`);
  return kinds as SyncerKind[];
}

/** Raw creates into the downstream by a client with the syncers' load-generator concurrency. */
async function rawCreateRate(down: RealClient, sizes: RealSizes): Promise<number> {
  await down.expect('POST', '/api/v1/namespaces', [201, 409], {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: 'bench-raw' },
  });
  const count = Math.max(sizes.objects, 1000);
  const t0 = performance.now();
  await pool(count, sizes.concurrency, async (i) => {
    await down.expect('POST', '/api/v1/namespaces/bench-raw/configmaps', [201], configMap(`raw-${i}`, {}));
  });
  const rate = (count / (performance.now() - t0)) * 1000;
  await down.expect('DELETE', '/api/v1/namespaces/bench-raw', [200, 202]);
  // kube-controller-manager deletes its objects; the first syncer must not be measured meanwhile.
  for (const deadline = Date.now() + 300_000; ; await new Promise((r) => setTimeout(r, 500))) {
    if ((await down.send('GET', '/api/v1/namespaces/bench-raw')).status === 404) break;
    if (Date.now() > deadline) throw new Error('namespace bench-raw not gone within 300 s');
  }
  return rate;
}

/** The world's server processes, found by their executables (the benchmark runs one world at a time). */
function serverPids(world: KcpWorld): PhaseContext['servers'] {
  const { kubeApiserver, etcd, kubeControllerManager } = world.downstream.binaries;
  const servers = {
    kcp: pidsOf(world.kcp.binaries.kcp),
    downstream: [kubeApiserver, etcd, kubeControllerManager].flatMap(pidsOf),
  };
  if (servers.kcp.length !== 1 || servers.downstream.length !== 3) {
    throw new Error(`expected 1 kcp and 3 downstream server processes, found ${JSON.stringify(servers)}`);
  }
  return servers;
}

const ratio = (a: number, b: number) => round(a / b, 2);

type Run = {
  idleRssMiB: number;
  idleSettledRssMiB: number;
  idleSettledRssAnonMiB: number;
  steady: {
    createToSyncedPerSec: number;
    peakRssMiB: number;
    peakRssAnonMiB: number;
    changeLatencyMs: { p99: number };
    namespaceDeleteMs: number;
    downstreamWritesPerObject: number;
  };
  initial: {
    initialSyncMs: number;
    initialSyncPerSec: number;
    peakRssMiB: number;
    peakRssAnonMiB: number;
    serverCpuSecondsPer1k: { kcp: number; downstream: number };
  };
};

/** Agent/Go ratios and the targets, met or missed. */
function compare(go: Run, agent: Run, rawPerSec: number) {
  const ratios = {
    createToSyncedThroughput: ratio(agent.steady.createToSyncedPerSec, go.steady.createToSyncedPerSec),
    initialSyncThroughput: ratio(agent.initial.initialSyncPerSec, go.initial.initialSyncPerSec),
    initialSyncTime: ratio(agent.initial.initialSyncMs, go.initial.initialSyncMs),
    namespaceDeleteTime: ratio(agent.steady.namespaceDeleteMs, go.steady.namespaceDeleteMs),
    changeLatencyP99: ratio(agent.steady.changeLatencyMs.p99, go.steady.changeLatencyMs.p99),
    peakRssSteady: ratio(agent.steady.peakRssMiB, go.steady.peakRssMiB),
    peakRssInitial: ratio(agent.initial.peakRssMiB, go.initial.peakRssMiB),
    idleRss: ratio(agent.idleRssMiB, go.idleRssMiB),
    idleSettledRss: ratio(agent.idleSettledRssMiB, go.idleSettledRssMiB),
    // RSS less the executable's pages: what each syncer allocated (not a target; the targets judge RSS).
    idleSettledRssAnon: ratio(agent.idleSettledRssAnonMiB, go.idleSettledRssAnonMiB),
    peakRssAnonSteady: ratio(agent.steady.peakRssAnonMiB, go.steady.peakRssAnonMiB),
    peakRssAnonInitial: ratio(agent.initial.peakRssAnonMiB, go.initial.peakRssAnonMiB),
    agentInitialSyncToRaw: ratio(agent.initial.initialSyncPerSec, rawPerSec),
    goInitialSyncToRaw: ratio(go.initial.initialSyncPerSec, rawPerSec),
    // What each syncer costs the servers per object while it syncs what kcp has already scheduled.
    initialKcpCpu: ratio(agent.initial.serverCpuSecondsPer1k.kcp, go.initial.serverCpuSecondsPer1k.kcp),
    initialDownstreamCpu: ratio(
      agent.initial.serverCpuSecondsPer1k.downstream,
      go.initial.serverCpuSecondsPer1k.downstream,
    ),
  };
  const targets = {
    'throughput >= 1.2x Go (initial sync rate)': ratios.initialSyncThroughput >= 1.2,
    'initial sync time <= 0.8x Go': ratios.initialSyncTime <= 0.8,
    'namespace deletion <= 1.0x Go': ratios.namespaceDeleteTime <= 1.0,
    'p99 change latency <= 1.0x Go': ratios.changeLatencyP99 <= 1.0,
    'peak RSS <= 1.0x Go': ratios.peakRssSteady <= 1.0 && ratios.peakRssInitial <= 1.0,
    'throughput >= 0.9x raw creates': ratios.agentInitialSyncToRaw >= 0.9,
    '<= 1.05 downstream writes per object': agent.steady.downstreamWritesPerObject <= 1.05,
  };
  return { ratios, targets };
}

/** A client of kcp's admin kubeconfig allowed to read kcp's /metrics, if any. */
async function metricsReader(kcp: { adminKubeconfigPath: string; url: string; caCertPem: string }) {
  for (const user of adminUsersOf(readFileSync(kcp.adminKubeconfigPath, 'utf8'), kcp.url, kcp.caCertPem)) {
    const client = new RealClient(user, 1);
    if ((await client.send('GET', '/metrics')).status === 200) return client;
    client.close();
  }
  return undefined;
}

/** One world's servers, the clients the phases use on them, and what setting them up took. */
interface Servers {
  readonly ctx: PhaseContext;
  readonly setupMs: Record<string, number>;
  close(): Promise<void>;
}

async function startServers(sizes: RealSizes): Promise<Servers> {
  const setupMs: Record<string, number> = {};
  // A long heartbeat threshold: the initial-sync phase stops the syncer while it creates the objects, and kcp must
  // not unschedule the namespaces meanwhile.
  const world = await startKcpWorld('go', {
    resources: ['deployments.apps', 'services'],
    kcpArgs: ['--sync-target-heartbeat-threshold=30m'],
    onStep: (step, ms) => {
      setupMs[step] = ms;
    },
  });
  const up = new RealClient(world.kcp, sizes.concurrency * 2);
  const down = new RealClient(world.downstream, sizes.concurrency * 2);
  const watch = new SyncedConfigMaps();
  const scheduled = new SyncedConfigMaps();
  let upMetrics: RealClient | undefined;
  const close = async () => {
    watch.stop();
    scheduled.stop();
    up.close();
    upMetrics?.close();
    down.close();
    await world.stop();
  };
  try {
    upMetrics = await metricsReader(world.kcp);
    await watch.start(down, downstreamSelector(world.syncTargetKey));
    await scheduled.start(up, scheduledSelector(world.syncTargetKey), `/clusters/${world.workspace.path}`);
    const ctx: PhaseContext = {
      world,
      up,
      upMetrics,
      down,
      watch,
      scheduled,
      sizes,
      servers: serverPids(world),
    };
    return { ctx, setupMs, close };
  } catch (err) {
    await close();
    throw err;
  }
}

/**
 * Shared servers (the default): both syncers in turn on one world, the raw creates first. `fresh`: each syncer on
 * its own world, started from the same binaries with the same arguments, so neither inherits what the other left
 * in kcp and etcd; the raw creates on the first.
 */
async function runSideBySide(
  sizes: RealSizes,
  syncers: SyncerKind[],
  fresh: boolean,
): Promise<Record<string, unknown>> {
  const unavailable = await realKcpUnavailable();
  if (unavailable) throw new Error(`real kcp unavailable: ${unavailable}`);
  const setupMs: Record<string, number>[] = [];
  const runs: Partial<Record<SyncerKind, Run>> = {};
  let rawPerSec: number | undefined;
  let loadBefore = Number.NaN;
  let servers: Servers | undefined;
  try {
    for (const kind of syncers) {
      if (servers === undefined) {
        servers = await startServers(sizes);
        setupMs.push(servers.setupMs);
      }
      if (rawPerSec === undefined) {
        loadBefore = load1();
        rawPerSec = await rawCreateRate(servers.ctx.down, sizes);
      }
      runs[kind] = (await runSyncer(servers.ctx, kind)) as Run;
      if (fresh) {
        const done = servers;
        servers = undefined;
        await done.close();
      }
    }
  } finally {
    await servers?.close();
  }
  rawPerSec ??= Number.NaN;
  const { go, agent } = runs;
  return {
    sizes,
    order: syncers,
    servers: fresh ? 'fresh per syncer' : 'shared',
    agentNodeOptions: AGENT_NODE_OPTIONS,
    loadBefore,
    loadAfter: load1(),
    setupMs: fresh ? setupMs : setupMs[0],
    raw: { createsPerSec: round(rawPerSec, 1), concurrency: sizes.concurrency },
    go,
    agent,
    ...(go && agent ? compare(go, agent, rawPerSec) : {}),
  };
}
