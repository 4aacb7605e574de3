import { DOWNSTREAM_CLUSTER_LABEL, type KubeObject, type SyncTarget } from '@kcp-tmc/interfaces';
import {
  DEMO_CLUSTER,
  DEMO_NAMESPACE,
  DEMO_REPLICAS,
  DEMO_SYNC_TARGET,
  DEMO_WORKSPACES,
  type DemoWorld,
} from './scenario.js';

/** What the demo has seen so far. */
export interface DemoProgress {
  /** Objects of the app present downstream with the SyncTarget's ownership label. */
  readonly objectsSynced: number;
  readonly objectsPlaced: number;
  /** Sum of `status.readyReplicas` of the upstream Deployments (written back by the agent). */
  readonly readyReplicasUpstream: number;
  readonly replicasDesired: number;
  /** Upstream Events in the app's namespaces (copied up by the agent from downstream). */
  readonly eventsSynced: number;
  /** Milliseconds since the SyncTarget's last heartbeat; undefined before the first. */
  readonly heartbeatAgeMs: number | undefined;
  readonly downstreamNamespaces: readonly string[];
}

const OWNED_KINDS = [
  '/api/v1/configmaps',
  '/api/v1/secrets',
  '/api/v1/services',
  '/apis/apps/v1/deployments',
];

async function list(base: string, path: string): Promise<KubeObject[]> {
  const res = await fetch(`${base}${path}`);
  if (!res.ok) return [];
  return ((await res.json()) as { items?: KubeObject[] }).items ?? [];
}

/** Reads both simulators over HTTP, as any client would. */
export async function observe(world: DemoWorld, now = Date.now()): Promise<DemoProgress> {
  const selector = `?labelSelector=${encodeURIComponent(`${DOWNSTREAM_CLUSTER_LABEL}=${world.key}`)}`;
  const owned = (
    await Promise.all(OWNED_KINDS.map((path) => list(world.downstream.url, `${path}${selector}`)))
  ).flat();
  const appObjects = owned.filter((o) =>
    ['web', 'web-config', 'web-credentials'].includes(o.metadata.name ?? ''),
  );
  let ready = 0;
  let events = 0;
  for (const workspace of DEMO_WORKSPACES) {
    const base = `${world.upstream.url}/clusters/${workspace}`;
    const deployments = await list(base, `/apis/apps/v1/namespaces/${DEMO_NAMESPACE}/deployments`);
    for (const d of deployments)
      ready += Number((d.status as { readyReplicas?: number } | undefined)?.readyReplicas ?? 0);
    events += (await list(base, `/api/v1/namespaces/${DEMO_NAMESPACE}/events`)).length;
  }
  const stRes = await fetch(
    `${world.upstream.url}/clusters/${DEMO_CLUSTER}/apis/workload.kcp.io/v1alpha1/synctargets/${DEMO_SYNC_TARGET}`,
  );
  const heartbeat = stRes.ok
    ? ((await stRes.json()) as SyncTarget).status?.lastSyncerHeartbeatTime
    : undefined;
  return {
    objectsSynced: appObjects.length,
    objectsPlaced: world.placed,
    readyReplicasUpstream: ready,
    replicasDesired: DEMO_REPLICAS * DEMO_WORKSPACES.length,
    eventsSynced: events,
    heartbeatAgeMs: heartbeat === undefined ? undefined : Math.max(0, now - Date.parse(heartbeat)),
    downstreamNamespaces: [...new Set(appObjects.map((o) => o.metadata.namespace ?? ''))].sort(),
  };
}

/** Everything the demo waits for: all objects down, all replicas ready up, events up, a heartbeat. */
export function converged(p: DemoProgress, expectEvents: boolean): boolean {
  return (
    p.objectsSynced === p.objectsPlaced &&
    p.readyReplicasUpstream === p.replicasDesired &&
    (!expectEvents || p.eventsSynced > 0) &&
    p.heartbeatAgeMs !== undefined
  );
}

/** What is still missing, for the timeout message. */
export function missing(p: DemoProgress, expectEvents: boolean): string[] {
  const out: string[] = [];
  if (p.objectsSynced < p.objectsPlaced) out.push(`objects synced ${p.objectsSynced}/${p.objectsPlaced}`);
  if (p.readyReplicasUpstream < p.replicasDesired) {
    out.push(`ready replicas seen upstream ${p.readyReplicasUpstream}/${p.replicasDesired}`);
  }
  if (expectEvents && p.eventsSynced === 0) out.push('no events synced upstream');
  if (p.heartbeatAgeMs === undefined) out.push('no heartbeat');
  return out;
}

export function progressLine(p: DemoProgress): string {
  return `initial sync: objects ${p.objectsSynced}/${p.objectsPlaced}, ready replicas upstream ${p.readyReplicasUpstream}/${p.replicasDesired}, events ${p.eventsSynced}, heartbeat ${p.heartbeatAgeMs === undefined ? 'pending' : 'ok'}`;
}

/**
 * Whether the SyncTarget's syncer virtual workspace, the agent's upstream, serves v1 events. kcp v0.11's does
 * not (reference/real-kcp/README.md, difference 7), so no Event goes up there.
 */
export async function virtualWorkspaceServesEvents(world: DemoWorld): Promise<boolean> {
  const stRes = await fetch(
    `${world.upstream.url}/clusters/${DEMO_CLUSTER}/apis/workload.kcp.io/v1alpha1/synctargets/${DEMO_SYNC_TARGET}`,
  );
  if (!stRes.ok) return false;
  const syncerURL = ((await stRes.json()) as SyncTarget).status?.virtualWorkspaces?.[0]?.syncerURL;
  if (syncerURL === undefined) return false;
  const res = await fetch(`${syncerURL}/clusters/*/api/v1`);
  if (!res.ok) return false;
  const resources = ((await res.json()) as { resources?: Array<{ name?: string }> }).resources ?? [];
  return resources.some((r) => r.name === 'events');
}

/** `eventsServed`: whether the upstream serves Events at all (else the count says why it stays 0). */
export function summaryTable(p: DemoProgress, elapsedMs: number, eventsServed = true): string {
  const rows: Array<[string, string]> = [
    ['objects synced', `${p.objectsSynced}/${p.objectsPlaced}`],
    ['ready replicas seen upstream', `${p.readyReplicasUpstream}/${p.replicasDesired}`],
    [
      'events synced',
      eventsServed
        ? String(p.eventsSynced)
        : `${p.eventsSynced} (kcp's syncer virtual workspace serves none)`,
    ],
    ['heartbeat age', p.heartbeatAgeMs === undefined ? 'none' : `${(p.heartbeatAgeMs / 1000).toFixed(1)}s`],
    ['downstream namespaces', p.downstreamNamespaces.join(', ')],
    ['converged in', `${(elapsedMs / 1000).toFixed(1)}s`],
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  const valueWidth = Math.max(...rows.map(([, v]) => v.length));
  const rule = `+-${'-'.repeat(width)}-+-${'-'.repeat(valueWidth)}-+`;
  return [rule, ...rows.map(([k, v]) => `| ${k.padEnd(width)} | ${v.padEnd(valueWidth)} |`), rule].join('\n');
}
