import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { AGENT_NODE_OPTIONS } from '@kcp-tmc/syncer-agent';
import { type KcpWorld, type SyncerKind, waitForNamespaceState, whileRunning } from '@kcp-tmc/testing';
import { configMap, latencySummary, paced, pool, round } from './agent-support.js';
import type { RealClient, SyncedConfigMaps } from './real-client.js';
import {
  countsPer,
  cpuSecondsOf,
  load1,
  MiB,
  ProcessSampler,
  requestCounts,
  slowestChanges,
  writesOf,
} from './real-measure.js';
import type { RealSizes } from './real-sizes.js';

// The phases one syncer (kcp's Go syncer or our agent) goes through on the shared real servers. Every phase uses
// its own namespaces (named after the syncer), and deletes them before the next syncer runs.

export interface PhaseContext {
  world: KcpWorld;
  /** Requests to kcp, paths from the server root (`/clusters/<ws>/...` for the workspace). */
  up: RealClient;
  /** kcp's /metrics reader (its shard admin), if the admin kubeconfig has one. */
  upMetrics: RealClient | undefined;
  down: RealClient;
  /** The syncer's objects downstream. */
  watch: SyncedConfigMaps;
  /** The objects kcp has scheduled to the SyncTarget upstream: no syncer can see an object before this. */
  scheduled: SyncedConfigMaps;
  sizes: RealSizes;
  /** The server processes (kcp; the downstream's kube-apiserver, etcd and kube-controller-manager). */
  servers: { kcp: readonly number[]; downstream: readonly number[] };
}

/** CPU seconds the servers have used so far. */
function serverCpu(ctx: PhaseContext) {
  return { kcp: cpuSecondsOf(ctx.servers.kcp), downstream: cpuSecondsOf(ctx.servers.downstream) };
}

/** What each server spent per 1,000 objects since `before` (a syncer's load on it, and the phase's own). */
function serverCpuPer1k(ctx: PhaseContext, before: ReturnType<typeof serverCpu>, objects: number) {
  const now = serverCpu(ctx);
  return {
    kcp: round(((now.kcp - before.kcp) / objects) * 1000, 3),
    downstream: round(((now.downstream - before.downstream) / objects) * 1000, 3),
  };
}

const RESOURCES = ['configmaps', 'namespaces'];
const settle = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * How a syncer is stopped between phases: SIGKILL for kcp's Go syncer (on SIGTERM it may delete its
 * APIResourceImports, and kcp then unschedules everything), SIGTERM for ours (nothing of that kind; a profile
 * asked for by KCP_TMC_BENCH_AGENT_NODE_ARGS is written on a clean exit only).
 */
const stopSignal = (kind: SyncerKind) => (kind === 'agent' ? 'SIGTERM' : 'SIGKILL');

/**
 * Stops the running syncer; with KCP_TMC_BENCH_LOGS=<dir>, its log is copied there, named by the time it stopped
 * (the world's directory goes with the world).
 */
async function stopSyncer(ctx: PhaseContext, kind: SyncerKind): Promise<void> {
  const running = ctx.world.syncer;
  await ctx.world.stopSyncer(stopSignal(running?.kind ?? kind));
  const dir = process.env.KCP_TMC_BENCH_LOGS;
  if (dir !== undefined && running !== undefined && existsSync(running.logPath)) {
    mkdirSync(dir, { recursive: true });
    // A syncer runs once per phase: each run's log under its own name.
    copyFileSync(running.logPath, join(dir, `${new Date().toISOString()}-${basename(running.logPath)}`));
  }
}

const ws = (ctx: PhaseContext, path: string) => `/clusters/${ctx.world.workspace.path}${path}`;

async function metrics(ctx: PhaseContext) {
  const [up, down] = await Promise.all([
    ctx.upMetrics?.send('GET', '/metrics'),
    ctx.down.expect('GET', '/metrics', [200]),
  ]);
  // kcp's counters include its own controllers' requests and the benchmark's creates (one POST per object).
  const upCounts =
    up?.status === 200 ? requestCounts(up.body, RESOURCES) : { [`unavailable ${up?.status}`]: 1 };
  return { up: upCounts, down: requestCounts(down.body, RESOURCES) };
}

/**
 * Each syncer as its Deployment runs it: ours with the rendered NODE_OPTIONS (V8 heap sizes for the container's
 * memory limit), which the syncer process inherits from this one while it is being started; nothing else
 * starts a Node process meanwhile. kcp's Deployment sets no such variable for its Go syncer.
 */
async function asDeployed<T>(kind: SyncerKind, start: () => Promise<T>): Promise<T> {
  if (kind !== 'agent') return start();
  const previous = process.env.NODE_OPTIONS;
  // KCP_TMC_BENCH_AGENT_NODE_ARGS adds to them (`--cpu-prof --cpu-prof-dir=...`: a profile per agent process).
  const extra = process.env.KCP_TMC_BENCH_AGENT_NODE_ARGS;
  process.env.NODE_OPTIONS = extra === undefined ? AGENT_NODE_OPTIONS : `${AGENT_NODE_OPTIONS} ${extra}`;
  try {
    return await start();
  } finally {
    if (previous === undefined) delete process.env.NODE_OPTIONS;
    else process.env.NODE_OPTIONS = previous;
  }
}

async function startSyncer(ctx: PhaseContext, kind: SyncerKind): Promise<ProcessSampler> {
  await stopSyncer(ctx, kind);
  const since = Math.floor(Date.now() / 1000) * 1000;
  const qps = String(ctx.sizes.qps);
  const burst = String(ctx.sizes.burst ?? ctx.sizes.qps);
  // KCP_TMC_BENCH_AGENT_ARGS / KCP_TMC_BENCH_GO_ARGS: more flags for one syncer (experiments such as
  // `--workers=8`, or `-v=3` for client-go's throttling lines; a run that changes behaviour is not the side by
  // side the issue asks for).
  const extraArgs =
    kind === 'agent' ? process.env.KCP_TMC_BENCH_AGENT_ARGS : process.env.KCP_TMC_BENCH_GO_ARGS;
  const extra = (extraArgs ?? '').split(' ').filter(Boolean);
  const syncer = await asDeployed(kind, () =>
    ctx.world.startSyncer(kind, [`--qps=${qps}`, `--burst=${burst}`, ...extra]),
  );
  if (syncer.pid === undefined) throw new Error(`${kind} syncer has no pid`);
  const sampler = new ProcessSampler(syncer.pid);
  const name = ctx.world.generated.syncTargetName;
  await whileRunning(
    () => ctx.world.syncer,
    (async () => {
      for (const deadline = Date.now() + 120_000; Date.now() < deadline; await settle(250)) {
        const st = await ctx.up.send('GET', ws(ctx, `/apis/workload.kcp.io/v1alpha1/synctargets/${name}`));
        const beat = (JSON.parse(st.body) as { status?: { lastSyncerHeartbeatTime?: string } }).status
          ?.lastSyncerHeartbeatTime;
        if (beat !== undefined && Date.parse(beat) >= since) return;
      }
      throw new Error(`${kind} syncer: no heartbeat within 120 s`);
    })(),
  );
  return sampler;
}

async function createNamespace(ctx: PhaseContext, name: string): Promise<void> {
  await ctx.up.expect('POST', ws(ctx, '/api/v1/namespaces'), [201, 409], {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name },
  });
  await waitForNamespaceState(ctx.world.up, name, ctx.world.syncTargetKey, 'Sync', 60_000);
}

async function createObjects(ctx: PhaseContext, namespaces: string[], prefix: string, count: number) {
  await pool(count, ctx.sizes.concurrency, async (i) => {
    const ns = namespaces[i % namespaces.length] as string;
    await ctx.up.expect(
      'POST',
      ws(ctx, `/api/v1/namespaces/${ns}/configmaps`),
      [201],
      configMap(`${prefix}${i}`, {}),
    );
  });
}

/** Deletes upstream namespaces and waits until kcp has removed them (the syncer's finalizers gone). */
async function deleteNamespaces(ctx: PhaseContext, names: string[]): Promise<void> {
  await Promise.all(
    names.map((n) => ctx.up.expect('DELETE', ws(ctx, `/api/v1/namespaces/${n}`), [200, 202, 404])),
  );
  for (const deadline = Date.now() + 900_000; ; await settle(250)) {
    const left = await Promise.all(names.map((n) => ctx.up.send('GET', ws(ctx, `/api/v1/namespaces/${n}`))));
    if (left.every((r) => r.status === 404)) return;
    if (Date.now() > deadline) throw new Error(`namespaces ${names.join(', ')} not gone within 900 s`);
  }
}

/**
 * Waits until the downstream namespaces of `upstreamNames` are gone: the syncer deletes each after its clean delay
 * (30 s), then kube-controller-manager empties it. Left behind, they would be deleted while the next syncer is
 * measured, and that syncer would pay for its predecessor.
 */
async function downstreamNamespacesGone(ctx: PhaseContext, upstreamNames: string[]): Promise<number> {
  const t0 = performance.now();
  const names = new Set(upstreamNames);
  const selector = encodeURIComponent(`internal.workload.kcp.io/cluster=${ctx.world.syncTargetKey}`);
  for (const deadline = Date.now() + 300_000; ; await settle(500)) {
    const res = await ctx.down.expect('GET', `/api/v1/namespaces?labelSelector=${selector}`, [200]);
    const items = (
      JSON.parse(res.body) as { items: Array<{ metadata: { annotations?: Record<string, string> } }> }
    ).items;
    const left = items.filter((ns) => {
      const locator = ns.metadata.annotations?.['kcp.io/namespace-locator'];
      return (
        locator !== undefined && names.has((JSON.parse(locator) as { namespace?: string }).namespace ?? '')
      );
    });
    if (left.length === 0) return round(performance.now() - t0, 0);
    if (Date.now() > deadline) throw new Error(`${left.length} downstream namespaces not gone within 300 s`);
  }
}

/** Create-to-synced throughput, change latency and namespace deletion on `sizes.objects` ConfigMaps. */
async function steadyPhases(ctx: PhaseContext, kind: SyncerKind, sampler: ProcessSampler) {
  const { objects, changes, rate } = ctx.sizes;
  const ns = `tp-${kind}`;
  const prefix = `bench-tp-${kind}-`;
  await createNamespace(ctx, ns);
  const before = await metrics(ctx);
  const cpu0 = sampler.cpuSeconds();
  const servers0 = serverCpu(ctx);
  sampler.takePeak();
  const t0 = performance.now();
  await createObjects(ctx, [ns], prefix, objects);
  const createdMs = performance.now() - t0;
  await ctx.watch.until(() => ctx.watch.count(prefix) >= objects, `${objects} objects synced`, 900_000);
  const syncedMs = performance.now() - t0;
  // kcp labels each object for the SyncTarget before any syncer may see it: the rate of that is the ceiling here.
  const scheduledMs = Math.max(...ctx.scheduled.firstSeen(prefix)) - t0;
  const cpu = sampler.cpuSeconds() - cpu0;
  // kcp's includes the benchmark's creates and its own scheduling, the same for either syncer.
  const serverCpuSecondsPer1k = serverCpuPer1k(ctx, servers0, objects);
  await settle(3000); // the writes that follow an object's first appearance (status, finalizers) are counted too
  const after = await metrics(ctx);
  const peakRss = sampler.takePeak();
  const loadAfterSync = load1();

  const sentAt = new Map<string, number>();
  // When kcp answered each patch: a slow change whose answer was slow too was held up in kcp, not the syncer.
  const answeredAt = new Map<string, number>();
  await paced(changes, rate, async (i) => {
    const seq = `${kind}-${i}`;
    sentAt.set(seq, performance.now());
    await ctx.up.expect(
      'PATCH',
      ws(ctx, `/api/v1/namespaces/${ns}/configmaps/${prefix}${i % objects}`),
      [200],
      { metadata: { annotations: { 'bench/seq': seq } } },
      'application/merge-patch+json',
    );
    answeredAt.set(seq, performance.now());
  });
  await ctx.watch.until(
    () => [...sentAt.keys()].every((s) => ctx.watch.seqAt.has(s)),
    'every change',
    300_000,
  );
  const samples = [...sentAt].map(([s, at]) => (ctx.watch.seqAt.get(s) as number) - at);
  // In send order, a tenth at a time: a backlog that builds shows as rising means, a fixed delay as a flat one.
  const tenth = Math.ceil(samples.length / 10);
  const meanByTenth = Array.from({ length: Math.ceil(samples.length / tenth) }, (_, i) => {
    const part = samples.slice(i * tenth, (i + 1) * tenth);
    return round(part.reduce((a, b) => a + b, 0) / part.length, 0);
  });
  // When the first change was sent (wall clock), so the slowest ones' times can be matched with a syncer's log.
  const firstSentAt = new Date(performance.timeOrigin + Math.min(...sentAt.values())).toISOString();
  const slowest = slowestChanges(sentAt, ctx.watch.seqAt, answeredAt, 10);
  const latency = {
    ...latencySummary(samples),
    min: round(Math.min(...samples), 1),
    meanByTenth,
    firstSentAt,
    slowest,
  };
  const peakRssChanges = sampler.takePeak();
  // Each change is an object's first update since its create: what the syncer sends for it, by verb.
  const afterChanges = await metrics(ctx);

  const d0 = performance.now();
  await deleteNamespaces(ctx, [ns]);
  const deleteMs = performance.now() - d0;
  const downstreamNamespaceGoneMs = await downstreamNamespacesGone(ctx, [ns]);
  const downstreamPerObject = countsPer(before.down, after.down, objects);
  return {
    objects,
    createMs: round(createdMs, 0),
    createToSyncedMs: round(syncedMs, 0),
    createToSyncedPerSec: round((objects / syncedMs) * 1000, 1),
    kcpScheduledMs: round(scheduledMs, 0),
    kcpScheduledPerSec: round((objects / scheduledMs) * 1000, 1),
    cpuSecondsPer1k: round((cpu / objects) * 1000, 3),
    serverCpuSecondsPer1k,
    peakRssMiB: MiB(Math.max(peakRss.rss, peakRssChanges.rss)),
    peakRssAnonMiB: MiB(Math.max(peakRss.anon, peakRssChanges.anon)),
    upstreamRequestsPerObject: countsPer(before.up, after.up, objects),
    downstreamRequestsPerObject: downstreamPerObject,
    downstreamWritesPerObject: writesOf(downstreamPerObject),
    loadAfterSync,
    changeLatencyMs: { rate, ...latency },
    downstreamRequestsPerChange: countsPer(after.down, afterChanges.down, changes),
    namespaceDeleteMs: round(deleteMs, 0),
    downstreamNamespaceGoneMs,
    loadAfterDelete: load1(),
  };
}

/** Initial sync: `sizes.initial` ConfigMaps in `sizes.initialNamespaces` namespaces exist before the syncer starts. */
async function initialSync(ctx: PhaseContext, kind: SyncerKind) {
  const { initial, initialNamespaces } = ctx.sizes;
  const names = Array.from({ length: initialNamespaces }, (_, i) => `is-${kind}-${i}`);
  const prefix = `bench-is-${kind}-`;
  await stopSyncer(ctx, kind);
  await pool(names.length, ctx.sizes.concurrency, (i) => createNamespace(ctx, names[i] as string));
  const c0 = performance.now();
  await createObjects(ctx, names, prefix, initial);
  // The objects exist and kcp has scheduled them before the syncer starts: the phase times the syncer alone.
  await ctx.scheduled.until(
    () => ctx.scheduled.count(prefix) >= initial,
    `kcp scheduling ${initial}`,
    900_000,
  );
  const scheduledMs = performance.now() - c0;
  // Requests from the syncer's start on: its start-up lists and imports count too, for either syncer.
  const before = await metrics(ctx);
  const sampler = await startSyncer(ctx, kind);
  const t0 = performance.now();
  const cpu0 = sampler.cpuSeconds();
  const servers0 = serverCpu(ctx);
  await ctx.watch.until(() => ctx.watch.count(prefix) >= initial, `initial sync of ${initial}`, 1_800_000);
  const ms = performance.now() - t0;
  const cpu = sampler.cpuSeconds() - cpu0;
  // Everything was scheduled before the syncer started: all of this is the syncer's load (and heartbeats).
  const serverCpuSecondsPer1k = serverCpuPer1k(ctx, servers0, initial);
  const rssAtSynced = sampler.rss();
  await settle(5000);
  const peak = sampler.takePeak();
  const after = await metrics(ctx);
  const result = {
    objects: initial,
    namespaces: initialNamespaces,
    kcpCreatedAndScheduledMs: round(scheduledMs, 0),
    initialSyncMs: round(ms, 0),
    initialSyncPerSec: round((initial / ms) * 1000, 1),
    cpuSecondsPer1k: round((cpu / initial) * 1000, 3),
    serverCpuSecondsPer1k,
    upstreamRequestsPerObject: countsPer(before.up, after.up, initial),
    downstreamRequestsPerObject: countsPer(before.down, after.down, initial),
    rssAtSyncedMiB: MiB(rssAtSynced),
    settledRssMiB: MiB(sampler.rss()),
    peakRssMiB: MiB(peak.rss),
    peakRssAnonMiB: MiB(peak.anon),
    load: load1(),
  };
  await deleteNamespaces(ctx, names);
  await downstreamNamespacesGone(ctx, names);
  sampler.stop();
  return result;
}

/** Every phase for one syncer; leaves it stopped. */
export async function runSyncer(ctx: PhaseContext, kind: SyncerKind): Promise<Record<string, unknown>> {
  const sampler = await startSyncer(ctx, kind);
  await settle(5000);
  const idleRssMiB = MiB(sampler.rss());
  // Our agent's start-up allocations (the downstream's 2 MB OpenAPI document parsed, the first lists) are given
  // back to the system some 10 s after it starts; this is what it then holds.
  await settle(15_000);
  const idle = sampler.memory();
  const steady = await steadyPhases(ctx, kind, sampler);
  sampler.stop();
  const initial = await initialSync(ctx, kind);
  await stopSyncer(ctx, kind);
  return {
    idleRssMiB,
    idleSettledRssMiB: MiB(idle.rss),
    // Of that, what the process allocated and what is its executable's pages (Node's binary holds ~45 MiB).
    idleSettledRssAnonMiB: MiB(idle.anon),
    idleSettledRssFileMiB: MiB(idle.file),
    steady,
    initial,
  };
}
