// The agent e2e world against real kube-apiservers: a plain-mode upstream serving kcp's SyncTarget CRD and a
// real downstream (with kube-controller-manager's namespace and garbage-collector controllers, as a cluster
// has). No kubelet or deployment controller runs anywhere, so tests write downstream status themselves.
import {
  DEFAULT_CLUSTER_NAME,
  DOWNSTREAM_CLUSTER_LABEL,
  type KubeObject,
  toSyncTargetKey,
} from '@kcp-tmc/interfaces';
import { type RealKubeApiserver, type RealServers, realRequest, startRealServers } from '@kcp-tmc/testing';
import type { TestContext } from 'vitest';
import { E2E_AGENT_FLAGS, waitFor } from './support.js';

/** Generous: on a machine without the kube-bins cache the first start builds kube-apiserver and etcd (minutes). */
export const START_TIMEOUT_MS = 45 * 60_000;

type Server = Pick<RealKubeApiserver, 'url' | 'token' | 'caCertPem'>;
export type Json = KubeObject & { items?: KubeObject[] };

export const SYNC_TARGETS = '/apis/workload.kcp.io/v1alpha1/synctargets';

/** Plain mode has one upstream cluster; the agent keys it (and the SyncTarget key) under this constant name. */
export function plainKey(syncTargetName: string): string {
  return toSyncTargetKey(DEFAULT_CLUSTER_NAME, syncTargetName);
}

/** One JSON request to a real server as its admin. */
export async function rest(
  server: Server,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; json: Json }> {
  const contentType = method === 'PATCH' ? 'application/merge-patch+json' : 'application/json';
  const { status, body: json } = await realRequest(server, method, path, body, contentType);
  return { status, json: (json ?? {}) as Json };
}

/** Starts the two real servers; the suite skips (with the reason on the console) when they cannot run here. */
export async function startRealWorld(suite: string): Promise<RealServers<'upstream' | 'downstream'>> {
  const real = await startRealServers({
    upstream: { syncTargetCrd: true },
    downstream: { controllerManager: true },
  });
  if (!real.available) console.warn(`skipping ${suite}: ${real.reason}`);
  return real;
}

/** The servers of a started world, or a skipped test when there are none. */
export function serversOf(real: RealServers<'upstream' | 'downstream'> | undefined, ctx: TestContext) {
  if (real === undefined) return ctx.skip('real servers not started');
  if (!real.available) return ctx.skip(real.reason);
  return real.servers;
}

/** Creates a SyncTarget whose status accepts `resources` (`group/resource`, core group as `resource`). */
export async function createSyncTarget(
  upstream: Server,
  name: string,
  resources: readonly string[],
): Promise<KubeObject> {
  const created = await rest(upstream, 'POST', SYNC_TARGETS, {
    apiVersion: 'workload.kcp.io/v1alpha1',
    kind: 'SyncTarget',
    metadata: { name },
  });
  if (created.status !== 201)
    throw new Error(`SyncTarget create: ${created.status} ${JSON.stringify(created.json)}`);
  const syncedResources = resources.map((r) => {
    const [group, resource] = r.includes('/') ? (r.split('/') as [string, string]) : ['', r];
    return { group, resource, versions: ['v1'], state: 'Accepted' };
  });
  const patched = await rest(upstream, 'PATCH', `${SYNC_TARGETS}/${name}/status`, {
    status: { syncedResources },
  });
  if (patched.status !== 200)
    throw new Error(`SyncTarget status: ${patched.status} ${JSON.stringify(patched.json)}`);
  return patched.json;
}

export async function createNamespaces(server: Server, names: readonly string[]): Promise<void> {
  for (const name of names) {
    const { status } = await rest(server, 'POST', '/api/v1/namespaces', {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name },
    });
    if (status !== 201 && status !== 409) throw new Error(`namespace ${name}: HTTP ${status}`);
  }
}

/** The CLI's arguments for plain mode against the two real servers (mirrors agentArgs of the simulator suite). */
export function realAgentArgs(
  servers: Readonly<Record<'upstream' | 'downstream', RealKubeApiserver>>,
  syncTargetName: string,
  extra: string[] = [],
): string[] {
  return [
    'run',
    '--upstream-mode=plain',
    `--from-kubeconfig=${servers.upstream.kubeconfigPath}`,
    `--to-kubeconfig=${servers.downstream.kubeconfigPath}`,
    `--sync-target-name=${syncTargetName}`,
    ...E2E_AGENT_FLAGS,
    ...extra,
  ];
}

/** Objects at a cluster-wide list `path` downstream that carry the ownership label of SyncTarget `key`. */
export async function ownedBy(downstream: Server, path: string, key: string): Promise<KubeObject[]> {
  const selector = encodeURIComponent(`${DOWNSTREAM_CLUSTER_LABEL}=${key}`);
  const { status, json } = await rest(downstream, 'GET', `${path}?labelSelector=${selector}`);
  if (status !== 200) throw new Error(`list ${path}: HTTP ${status} ${JSON.stringify(json).slice(0, 300)}`);
  return json.items ?? [];
}

/** Creates objects with at most `concurrency` requests in flight. */
export async function createAllReal(
  server: Server,
  items: ReadonlyArray<{ path: string; object: unknown }>,
  concurrency = 16,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++] as { path: string; object: unknown };
      const { status, json } = await rest(server, 'POST', item.path, item.object);
      if (status !== 201)
        throw new Error(`create ${item.path}: ${status} ${JSON.stringify(json).slice(0, 300)}`);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

/**
 * Writes a downstream Deployment's status as its controller and a kubelet would (neither runs on a bare
 * control plane): every replica of the spec ready and available, observedGeneration current. Retries on 409
 * (the agent may update the object meanwhile).
 */
export async function writeDeploymentReady(
  downstream: Server,
  namespace: string,
  name: string,
): Promise<void> {
  const path = `/apis/apps/v1/namespaces/${namespace}/deployments/${name}`;
  await waitFor(async () => {
    const { json: current } = await rest(downstream, 'GET', path);
    const replicas = (current.spec as { replicas?: number } | undefined)?.replicas ?? 1;
    const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    const condition = (type: string, reason: string) => ({
      type,
      status: 'True',
      reason,
      lastUpdateTime: now,
      lastTransitionTime: now,
    });
    const { status } = await rest(downstream, 'PUT', `${path}/status`, {
      ...current,
      status: {
        observedGeneration: current.metadata.generation,
        replicas,
        updatedReplicas: replicas,
        readyReplicas: replicas,
        availableReplicas: replicas,
        conditions: [
          condition('Available', 'MinimumReplicasAvailable'),
          condition('Progressing', 'NewReplicaSetAvailable'),
        ],
      },
    });
    if (status !== 200 && status !== 409) throw new Error(`status of ${namespace}/${name}: HTTP ${status}`);
    return status === 200;
  }, `status of ${namespace}/${name} written downstream`);
}
