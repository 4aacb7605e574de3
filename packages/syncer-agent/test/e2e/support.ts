import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  DOWNSTREAM_CLUSTER_LABEL,
  type KubeObject,
  ResourceStateValue,
  stateLabel,
  toSyncTargetKey,
} from '@kcp-tmc/interfaces';
import { acceptResources, type KubeSimulator, placedNamespace, startKubeSimulator } from '@kcp-tmc/testing';
import { afterAll, beforeAll, expect } from 'vitest';

/** The built CLI: e2e tests run the agent as users do, as a process (`pnpm build` first). */
export const CLI = fileURLToPath(new URL('../../dist/cli/bin.js', import.meta.url));
export const CLI_BUILT = existsSync(CLI);
if (!CLI_BUILT) {
  // CI builds the CLI before the tests: a missing one there is a broken build, never a reason to skip.
  if (process.env.CI === 'true')
    throw new Error(`syncer-agent e2e: ${CLI} is missing (the build did not make it)`);
  console.warn(`syncer-agent e2e: skipped, ${CLI} is missing (run pnpm build first)`);
}

export const ST_CLUSTER = 'root:e2e';
export const WORKSPACES = ['root:e2e:one', 'root:e2e:two'];
export const ST_NAME = 'edge';
export const KEY = toSyncTargetKey(ST_CLUSTER, ST_NAME);

export interface World {
  upstream: KubeSimulator;
  downstream: KubeSimulator;
  stop(): Promise<void>;
}

export async function call(
  base: string,
  path: string,
  method = 'GET',
  body?: unknown,
): Promise<{ status: number; json: KubeObject & { items?: KubeObject[] } }> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { 'content-type': method === 'PATCH' ? 'application/merge-patch+json' : 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, json: (await res.json()) as KubeObject & { items?: KubeObject[] } };
}

/**
 * kcp-mode upstream with a SyncTarget accepting deployments and services and namespaces `apps` and `bulk` placed
 * on it in each workspace; downstream with fake controllers.
 */
export async function startWorld(): Promise<World> {
  const upstream = await startKubeSimulator({
    kcp: { clusters: [ST_CLUSTER, ...WORKSPACES] },
    historySize: 50_000,
  });
  const downstream = await startKubeSimulator({ controllers: { podReadyDelayMs: 200 }, historySize: 50_000 });
  const st = `/clusters/${ST_CLUSTER}/apis/workload.kcp.io/v1alpha1/synctargets`;
  const created = await call(upstream.url, st, 'POST', {
    apiVersion: 'workload.kcp.io/v1alpha1',
    kind: 'SyncTarget',
    metadata: { name: ST_NAME },
  });
  if (created.status !== 201) throw new Error(`SyncTarget create: ${created.status}`);
  await acceptResources(upstream, ST_CLUSTER, ST_NAME, ['apps/v1/deployments', 'v1/services']);
  for (const ws of WORKSPACES) {
    for (const name of ['apps', 'bulk']) {
      // Placed on the SyncTarget, as kcp's Placement scheduling leaves a namespace.
      await call(`${upstream.url}/clusters/${ws}`, '/api/v1/namespaces', 'POST', placedNamespace(name, KEY));
    }
  }
  return {
    upstream,
    downstream,
    async stop() {
      await Promise.all([upstream.stop(), downstream.stop()]);
    },
  };
}

/** Flags every e2e agent runs with: loopback endpoints on free ports, a fast heartbeat, a short drain. */
/**
 * The calling describe block's World: started (then seeded by `seed`) before its tests, stopped after them. The
 * returned World reads through to it, so it can be captured before it starts.
 */
export function useWorld(seed?: (world: World) => Promise<void>, timeoutMs?: number): World {
  let running: World | undefined;
  const current = (): World => {
    if (running === undefined) throw new Error('the e2e world starts in beforeAll');
    return running;
  };
  beforeAll(async () => {
    running = await startWorld();
    await seed?.(running);
  }, timeoutMs);
  afterAll(async () => {
    await running?.stop();
  });
  return {
    get upstream() {
      return current().upstream;
    },
    get downstream() {
      return current().downstream;
    },
    stop: () => current().stop(),
  };
}

export const E2E_AGENT_FLAGS: readonly string[] = [
  '--metrics-bind-address=127.0.0.1:0',
  '--health-probe-bind-address=127.0.0.1:0',
  '--heartbeat-period=1s',
  '--shutdown-timeout=5s',
  '--qps=500',
  '--burst=1000',
];

export function agentArgs(world: World, extra: string[] = []): string[] {
  return [
    'run',
    `--from-kubeconfig=${world.upstream.kubeconfigPath}`,
    `--from-cluster=${ST_CLUSTER}`,
    `--to-kubeconfig=${world.downstream.kubeconfigPath}`,
    `--sync-target-name=${ST_NAME}`,
    ...E2E_AGENT_FLAGS,
    ...extra,
  ];
}

export interface AgentProcess {
  readonly child: ChildProcess;
  readonly stderr: () => string;
  readonly stdout: () => string;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** The JSON log lines so far. */
  logs(): Array<Record<string, unknown>>;
}

/** Spawns the CLI with the current Node directly (node_modules/.bin/node does not forward SIGTERM). */
export function spawnAgent(args: string[], env: Record<string, string> = {}): AgentProcess {
  const child = spawn(process.execPath, [CLI, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    out += chunk;
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    err += chunk;
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  return {
    child,
    stderr: () => err,
    stdout: () => out,
    exited,
    // Complete lines only: the last one may be half-written while the agent is still logging.
    logs: () =>
      err
        .split('\n')
        .slice(0, -1)
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}

export async function waitFor(
  condition: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 30_000,
  intervalMs = 100,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await condition()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** Resolves once the agent logged `agent started`, with its endpoints. */
export async function started(
  agent: AgentProcess,
  timeoutMs = 30_000,
): Promise<{ probes: string; metrics: string }> {
  let line: Record<string, unknown> | undefined;
  await waitFor(
    () => {
      line = agent.logs().find((l) => l.msg === 'agent started');
      return line !== undefined || agent.child.exitCode !== null;
    },
    'the agent to start',
    timeoutMs,
  );
  if (line === undefined) throw new Error(`agent exited before starting:\n${agent.stderr()}`);
  return { probes: line.probes as string, metrics: line.metrics as string };
}

/** Runs `body` with an agent process of `args` started (within 60 s), and kills the process after it. */
export async function withAgent<T>(args: string[], body: (agent: AgentProcess) => Promise<T>): Promise<T> {
  const agent = spawnAgent(args);
  try {
    await started(agent, 60_000);
    return await body(agent);
  } finally {
    agent.child.kill('SIGKILL');
  }
}

/** Objects of `resource` downstream that carry this SyncTarget's ownership label. */
export async function ownedDownstream(world: World, path: string): Promise<KubeObject[]> {
  const selector = encodeURIComponent(`${DOWNSTREAM_CLUSTER_LABEL}=${KEY}`);
  const { json } = await call(world.downstream.url, `${path}?labelSelector=${selector}`);
  return json.items ?? [];
}

/** The state label that schedules an object to SyncTarget `key`, plus `extra` labels. */
export function syncLabelsFor(key: string, extra: Record<string, string> = {}): Record<string, string> {
  return { [stateLabel(key)]: ResourceStateValue.Sync, ...extra };
}

export function syncLabels(extra: Record<string, string> = {}): Record<string, string> {
  return syncLabelsFor(KEY, extra);
}

/** Creates objects with at most `concurrency` requests in flight. */
export async function createAll(
  items: ReadonlyArray<{ base: string; path: string; object: unknown }>,
  concurrency = 32,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++] as { base: string; path: string; object: unknown };
      const { status, json } = await call(item.base, item.path, 'POST', item.object);
      if (status !== 201)
        throw new Error(`create ${item.path}: ${status} ${JSON.stringify(json).slice(0, 200)}`);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

/**
 * After a kill -9 and a restart: every expected upstream object (`<where>/<name>`, `where` from `whereOf`, the
 * upstream place of the downstream object's namespace) is downstream exactly once, nothing else is, and each
 * carries the upstream's data (`i` = the number in `cm-<i>`), not a half-written copy.
 */
export function expectConvergedOnce(
  objects: readonly KubeObject[],
  whereOf: ReadonlyMap<string, string>,
  expected: ReadonlySet<string>,
): void {
  const seen = new Set(
    objects.map((o) => `${whereOf.get(o.metadata.namespace as string)}/${o.metadata.name}`),
  );
  expect(seen.size).toBe(expected.size);
  expect([...seen].filter((k) => !expected.has(k))).toEqual([]);
  for (const o of objects) {
    expect(o.data).toEqual({ i: (o.metadata.name as string).slice(3) });
  }
}

/** `n` ConfigMaps `cm-<i>` scheduled to the SyncTarget, in the `bulk` namespace of the first workspace. */
/** Creates one ConfigMap with the sync labels in the first workspace's `apps` namespace; the HTTP status. */
export async function createSyncedConfigMap(world: World, name: string): Promise<number> {
  const workspace = `${world.upstream.url}/clusters/${WORKSPACES[0]}`;
  const object = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name, labels: syncLabels() },
    data: { a: '1' },
  };
  return (await call(workspace, '/api/v1/namespaces/apps/configmaps', 'POST', object)).status;
}

export function createConfigMaps(world: World, n: number): Promise<void> {
  const base = `${world.upstream.url}/clusters/${WORKSPACES[0]}`;
  return createAll(
    Array.from({ length: n }, (_, i) => ({
      base,
      path: '/api/v1/namespaces/bulk/configmaps',
      object: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `cm-${i}`, labels: syncLabels() } },
    })),
  );
}
