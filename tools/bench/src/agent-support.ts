import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { DOWNSTREAM_CLUSTER_LABEL, stateLabel, toSyncTargetKey } from '@kcp-tmc/interfaces';
import { type KubeSimulator, placedNamespace, startKubeSimulator } from '@kcp-tmc/testing';
import { cpuSecondsOfStat, rssOfStatus } from './real-measure.js';
import { Agent, httpRequest, httpStream, percentile, round } from './sim-support.js';
import { eachLine, WatchWaiters } from './watch-waiters.js';

// The agent runs as users run it: the built CLI in its own process. Both simulators run in this process, and
// every baseline (raw creates, the server's own write latency) is measured against the same downstream server.

const require = createRequire(import.meta.url);
// KCP_TMC_BENCH_AGENT_CLI: another build of the executable (a bundle, an older commit), for experiments only.
export const AGENT_CLI =
  process.env.KCP_TMC_BENCH_AGENT_CLI ??
  join(dirname(require.resolve('@kcp-tmc/syncer-agent/package.json')), 'dist/cli/bin.js');

export const ST_CLUSTER = 'root:bench';
export const WORKSPACE = 'root:bench:ws';
export const ST_NAME = 'bench';
export const KEY = toSyncTargetKey(ST_CLUSTER, ST_NAME);
const PAYLOAD = 'v'.repeat(200);

export interface BenchWorld {
  upstream: KubeSimulator;
  downstream: KubeSimulator;
  http: Agent;
  stop(): Promise<void>;
}

export async function startBenchWorld(): Promise<BenchWorld> {
  const upstream = await startKubeSimulator({
    kcp: { clusters: [ST_CLUSTER, WORKSPACE] },
    historySize: 200_000,
  });
  const downstream = await startKubeSimulator({ historySize: 200_000 });
  const http = new Agent({ keepAlive: true, maxSockets: 32 });
  const st = `${upstream.url}/clusters/${ST_CLUSTER}/apis/workload.kcp.io/v1alpha1/synctargets`;
  const created = await httpRequest(st, {
    method: 'POST',
    body: JSON.stringify({
      apiVersion: 'workload.kcp.io/v1alpha1',
      kind: 'SyncTarget',
      metadata: { name: ST_NAME },
    }),
    agent: http,
  });
  if (created.status !== 201) throw new Error(`SyncTarget: ${created.status} ${created.body}`);
  return {
    upstream,
    downstream,
    http,
    async stop() {
      http.destroy();
      await Promise.all([upstream.stop(), downstream.stop()]);
    },
  };
}

export const upstreamBase = (w: BenchWorld) => `${w.upstream.url}/clusters/${WORKSPACE}`;

export function configMap(
  name: string,
  labels: Record<string, string>,
  annotations: Record<string, string> = {},
) {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name, labels, annotations },
    data: { k: PAYLOAD },
  };
}

export const syncLabels = () => ({ [stateLabel(KEY)]: 'Sync' });

/** Runs `count` tasks with `concurrency` in flight. */
export async function pool(
  count: number,
  concurrency: number,
  task: (i: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) await task(next++);
    }),
  );
}

async function post(w: BenchWorld, url: string, body: unknown): Promise<void> {
  const res = await httpRequest(url, { method: 'POST', body: JSON.stringify(body), agent: w.http });
  if (res.status !== 201 && res.status !== 409)
    throw new Error(`POST ${url}: ${res.status} ${res.body.slice(0, 200)}`);
}

/**
 * Namespaces; upstream ones placed on the SyncTarget, as kcp's Placement scheduling leaves them (the simulator,
 * like kcp, labels a namespace's objects from their namespace, not from labels a client sets).
 */
export async function createNamespaces(w: BenchWorld, base: string, names: string[]): Promise<void> {
  const upstream = base.startsWith(w.upstream.url);
  await pool(names.length, 8, (i) => {
    const name = names[i] as string;
    return post(
      w,
      `${base}/api/v1/namespaces`,
      upstream ? placedNamespace(name, KEY) : { apiVersion: 'v1', kind: 'Namespace', metadata: { name } },
    );
  });
}

/** `count` ConfigMaps spread over `namespaces`, 16 requests in flight. */
export async function createConfigMaps(
  w: BenchWorld,
  base: string,
  namespaces: string[],
  count: number,
  prefix: string,
  labels: Record<string, string>,
): Promise<void> {
  await pool(count, 16, (i) =>
    post(
      w,
      `${base}/api/v1/namespaces/${namespaces[i % namespaces.length]}/configmaps`,
      configMap(`${prefix}-${i}`, labels),
    ),
  );
}

/**
 * One watch on the downstream's owned ConfigMaps: counts distinct objects seen and notes when each
 * `bench/seq` annotation value first arrives.
 */
export class DownstreamWatch {
  readonly seen = new Set<string>();
  readonly seqAt = new Map<string, number>();
  private abort: (() => void) | undefined;
  private readonly waiters = new WatchWaiters();

  async start(w: BenchWorld): Promise<void> {
    const selector = encodeURIComponent(`${DOWNSTREAM_CLUSTER_LABEL}=${KEY}`);
    const { res, abort } = await httpStream(
      `${w.downstream.url}/api/v1/configmaps?watch=1&allowWatchBookmarks=false&labelSelector=${selector}`,
    );
    this.abort = abort;
    eachLine(res, (line) => {
      const now = performance.now();
      const event = JSON.parse(line) as {
        type: string;
        object: { metadata: { namespace: string; name: string; annotations?: Record<string, string> } };
      };
      if (event.type === 'ADDED' || event.type === 'MODIFIED') {
        const { metadata } = event.object;
        this.seen.add(`${metadata.namespace}/${metadata.name}`);
        const seq = metadata.annotations?.['bench/seq'];
        if (seq !== undefined && !this.seqAt.has(seq)) this.seqAt.set(seq, now);
      }
      this.waiters.wake();
    });
  }

  /** Resolves when `predicate` holds (checked on every event), or rejects after `timeoutMs`. */
  until(predicate: () => boolean, what: string, timeoutMs: number): Promise<void> {
    return this.waiters.until(predicate, what, timeoutMs);
  }

  stop(): void {
    this.abort?.();
  }
}

export interface AgentProcess {
  child: ChildProcess;
  /** Resident set size of the agent process (bytes), from /proc. */
  rss(): number;
  /** CPU time the agent process has used so far (user + system, seconds), from /proc. */
  cpuSeconds(): number;
  /** Keys waiting in the agent's work queues (`workqueue_depth` summed), from its /metrics. */
  queueDepth(): Promise<number>;
  /** Its /metrics page, as Prometheus text. */
  metricsText(): Promise<string>;
  /** Resolves once it logged `agent started` (caches synced, metrics served); rejects after `timeoutMs`. */
  started(timeoutMs: number): Promise<void>;
  /** Resolves once the work queues stayed empty for `quietMs`; rejects after `timeoutMs`. */
  idle(quietMs: number, timeoutMs: number): Promise<void>;
  stop(): Promise<void>;
}

/** `workqueue_depth` summed over queues, from Prometheus text. */
export function queueDepthOf(metrics: string): number {
  let depth = 0;
  for (const line of metrics.split('\n')) {
    if (line.startsWith('workqueue_depth')) depth += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return depth;
}

/**
 * Spawns the agent CLI (process.execPath directly, so SIGTERM reaches it) in virtual-workspace mode, with
 * `nodeOptions` as Node flags (e.g. the deployment's NODE_OPTIONS).
 */
export async function spawnAgent(w: BenchWorld, nodeOptions = ''): Promise<AgentProcess> {
  // KCP_TMC_BENCH_AGENT_NODE_ARGS (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof") profiles the agent process.
  const nodeArgs = `${nodeOptions} ${process.env.KCP_TMC_BENCH_AGENT_NODE_ARGS ?? ''}`
    .split(' ')
    .filter((a) => a !== '');
  const child = spawn(
    process.execPath,
    [
      ...nodeArgs,
      AGENT_CLI,
      'run',
      `--from-kubeconfig=${w.upstream.kubeconfigPath}`,
      `--from-cluster=${ST_CLUSTER}`,
      `--to-kubeconfig=${w.downstream.kubeconfigPath}`,
      `--sync-target-name=${ST_NAME}`,
      '--qps=100000',
      '--burst=100000',
      '--workers=8',
      // Metrics on a loopback port: the benchmarks read the work queue's depth from them.
      '--metrics-bind-address=127.0.0.1:0',
      '--health-probe-bind-address=0',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (c: string) => {
    stderr = (stderr + c).slice(-20_000);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let metricsUrl: string | undefined;
  const metrics = async (): Promise<string> => {
    if (metricsUrl === undefined) {
      // The JSON log line `agent started` names the bound metrics address.
      const line = /\{[^\n]*"msg":"agent started"[^\n]*\}/.exec(stderr)?.[0];
      const address = line === undefined ? undefined : (JSON.parse(line) as { metrics?: string }).metrics;
      if (address === undefined) throw new Error(`agent has not logged its metrics address:\n${stderr}`);
      metricsUrl = `${address.startsWith('http') ? address : `http://${address}`}/metrics`;
    }
    const res = await httpRequest(metricsUrl, { method: 'GET' });
    return res.body;
  };
  const queueDepth = async () => queueDepthOf(await metrics());
  return {
    child,
    queueDepth,
    metricsText: metrics,
    async started(timeoutMs) {
      const deadline = performance.now() + timeoutMs;
      while (!stderr.includes('"msg":"agent started"')) {
        if (child.exitCode !== null) throw new Error(`agent exited before starting:\n${stderr}`);
        if (performance.now() > deadline)
          throw new Error(`agent not started after ${timeoutMs} ms:\n${stderr}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    async idle(quietMs, timeoutMs) {
      const deadline = performance.now() + timeoutMs;
      let quietSince: number | undefined;
      for (;;) {
        const now = performance.now();
        if ((await queueDepth()) === 0) {
          quietSince ??= now;
          if (now - quietSince >= quietMs) return;
        } else quietSince = undefined;
        if (now > deadline) throw new Error(`agent queue not idle after ${timeoutMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    rss: () => rssOfStatus(readFileSync(`/proc/${child.pid}/status`, 'utf8')),
    cpuSeconds: () => cpuSecondsOfStat(readFileSync(`/proc/${child.pid}/stat`, 'utf8')),
    async stop() {
      if (child.exitCode !== null) throw new Error(`agent exited early:\n${stderr}`);
      child.kill('SIGTERM');
      await exited;
    },
  };
}

export function latencySummary(samples: number[]): { p50: number; p99: number; max: number; n: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    p50: round(percentile(sorted, 50)),
    p99: round(percentile(sorted, 99)),
    max: round(sorted[sorted.length - 1] ?? 0),
    n: sorted.length,
  };
}

/** Fires `task(i)` at `perSec` for `count` changes (not waiting for one to finish before the next). */
export async function paced(
  count: number,
  perSec: number,
  task: (i: number) => Promise<void>,
): Promise<void> {
  const start = performance.now();
  const inFlight: Promise<void>[] = [];
  for (let i = 0; i < count; i++) {
    const due = start + (i * 1000) / perSec;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    inFlight.push(task(i));
  }
  await Promise.all(inFlight);
}

/** A merge patch over keep-alive `agent`; resolves with the status once the answer is read. */
export function mergePatch(url: string, patch: unknown, agent: Agent): Promise<number> {
  const body = JSON.stringify(patch);
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'PATCH',
        agent,
        headers: {
          'content-type': 'application/merge-patch+json',
          'content-length': Buffer.byteLength(body),
        },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

export { httpRequest, round };
