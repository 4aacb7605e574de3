import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import { type RealKcp, type RealKcpWorkspace, startRealKcp } from '../real/kcp.js';
import { startSyncer } from '../real/kcp-syncer.js';
import {
  createObjects,
  KUBERNETES_ENDPOINTS,
  kubectlKcp,
  waitForSyncedResources,
  workloadSync,
} from '../real/kcp-workload.js';
import { waitForNamespaceState } from '../real/kcp-world.js';
import { startRealKubeApiserver } from '../real/kube-apiserver.js';
import { tokenKubeconfig } from '../real/kubeconfig.js';
import { eventually, RawClient } from './client.js';
import type { ConformanceTarget } from './target.js';

const SYNC_TARGET = 'phys';
// Persistent volumes for the upsyncer cases (a kube 1.35 pod schema is never Accepted by kcp v0.11).
const RESOURCES = ['deployments.apps', 'services', 'persistentvolumes'];
/** kcp's default --sync-target-heartbeat-threshold (the harness passes none). */
const HEARTBEAT_THRESHOLD_MS = 60_000;
const HEARTBEAT_EVERY_MS = 10_000;
/** `kubectl kcp bind compute --namespace-selector`: only namespaces carrying it are placed. */
const PLACED_LABEL = 'conformance.kcp-tmc.io/placed';

/**
 * Real kcp v0.11 as a conformance target. `root:org` holds a SyncTarget made by `kubectl kcp workload sync`,
 * whose APIs kcp's Go syncer imported from a real kube-apiserver before it was killed (SIGKILL, so it keeps its
 * APIResourceImports): from then on the cases are the only syncer, and this target only heartbeats for it so
 * that the SyncTarget stays Ready and the Placement holds. Two more workspaces serve the logical-cluster cases,
 * addressed by logical-cluster name, as kcp writes it into `kcp.io/cluster`.
 */
export async function realKcpTarget(onStep?: (step: string, ms: number) => void): Promise<ConformanceTarget> {
  const step = async <T>(name: string, work: () => Promise<T>): Promise<T> => {
    const started = Date.now();
    const result = await work();
    onStep?.(name, Date.now() - started);
    return result;
  };
  const kcp = await step('kcp start', () => startRealKcp());
  let heartbeats: NodeJS.Timeout | undefined;
  const dispose = async () => {
    clearInterval(heartbeats);
    await kcp.stop();
  };
  try {
    const org = await step('workspace root:org', () => kcp.createWorkspace('org'));
    const [a, b] = await step('workspaces root:org-a, root:org-b', () =>
      Promise.all([kcp.createWorkspace('org-a'), kcp.createWorkspace('org-b')]),
    );
    const generated = await step('workload sync', () =>
      workloadSync(kcp, org, SYNC_TARGET, { resources: RESOURCES }),
    );
    await step('APIs imported by the Go syncer', () => importApis(kcp, org, generated));
    const syncerKubeconfig = await readFile(generated.upstreamKubeconfigPath, 'utf8');
    const syncer = new RawClient(syncerKubeconfig);
    const heartbeat = () => syncerHeartbeat(syncer, org.cluster, generated.syncTargetUid);
    await heartbeat();
    heartbeats = setInterval(() => void heartbeat().catch(() => undefined), HEARTBEAT_EVERY_MS);
    await step('bind compute', () =>
      kubectlKcp(kcp, org, [
        'bind',
        'compute',
        org.path,
        `--apiexports=${org.path}:kubernetes`,
        `--namespace-selector=${PLACED_LABEL}=true`,
      ]),
    );
    // shard-admin (system:masters): kcp authorizes a `/clusters/*` request only for privileged users, as its
    // workspace content authorizer finds no LogicalCluster `*` (pkg/authorization/workspace_content_authorizer.go).
    const admin = tokenKubeconfig(
      `${kcp.url}/clusters/${org.cluster}`,
      kcp.caCertPem,
      'shard-admin',
      await shardAdminToken(kcp),
    );
    const client = new RawClient(admin);
    await step('bound resources served', () => waitForServed(client));
    const { key, syncerURL } = await syncTargetCoordinates(client);
    const createNamespace = (name: string, labels: Record<string, string>) =>
      createLabelledNamespace(client, name, labels);
    const up = (method: string, path: string) => kcp.request(method, `/clusters/${org.cluster}${path}`);
    return {
      kubeconfig: admin,
      kcp: {
        clusters: [a.cluster, b.cluster],
        syncTarget: {
          cluster: org.cluster,
          syncTargetName: SYNC_TARGET,
          syncTargetUid: generated.syncTargetUid,
          syncTargetKey: key,
          syncerURL,
          syncerKubeconfig,
          heartbeatThresholdMs: HEARTBEAT_THRESHOLD_MS,
          syncedResources: ['apps/v1/deployments', 'v1/services', 'v1/persistentvolumes'],
          async placeNamespace(name) {
            await createNamespace(name, { [PLACED_LABEL]: 'true' });
            await waitForNamespaceState(up, name, key, 'Sync', 60_000);
          },
          createUnplacedNamespace: (name) => createNamespace(name, {}),
        },
      },
      capabilities: { kcp: true, syncTargets: true, syncerVirtualWorkspace: true },
      dispose,
    };
  } catch (error) {
    await dispose();
    throw error instanceof Error ? new Error(`${error.message}\n--- kcp log ---\n${kcp.logTail(20)}`) : error;
  }
}

/** The SyncTarget's key and syncer virtual workspace URL, as kcp published them. */
async function syncTargetCoordinates(client: RawClient): Promise<{ key: string; syncerURL: string }> {
  const st = await client.get(`/apis/workload.kcp.io/v1alpha1/synctargets/${SYNC_TARGET}`);
  const key = st.json?.metadata?.labels?.['internal.workload.kcp.io/key'] as string | undefined;
  const syncerURL = st.json?.status?.virtualWorkspaces?.[0]?.syncerURL as string | undefined;
  if (!key || !syncerURL) throw new Error(`SyncTarget ${SYNC_TARGET} not set up: ${st.text}`);
  return { key, syncerURL };
}

async function createLabelledNamespace(client: RawClient, name: string, labels: Record<string, string>) {
  const res = await client.post('/api/v1/namespaces', {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name, labels },
  });
  if (res.status !== 201) throw new Error(`creating namespace ${name} failed: ${res.text}`);
}

/**
 * Runs kcp's Go syncer against a real kube-apiserver until the SyncTarget reports the resources Accepted, then
 * kills it without grace: a graceful stop may delete its APIResourceImports, which unschedules everything.
 */
async function importApis(
  kcp: RealKcp,
  org: RealKcpWorkspace,
  generated: Awaited<ReturnType<typeof workloadSync>>,
): Promise<void> {
  const downstream = await startRealKubeApiserver();
  try {
    await createObjects(downstream, [...generated.downstreamObjects, KUBERNETES_ENDPOINTS]);
    const syncer = startSyncer('go', kcp, generated, downstream.kubeconfigPath, { logName: 'syncer-go.log' });
    try {
      await waitForSyncedResources(kcp, org, SYNC_TARGET, RESOURCES);
    } catch (error) {
      throw new Error(`${(error as Error).message}\n--- go syncer log ---\n${syncer.logTail(30)}`);
    } finally {
      await syncer.kill('SIGKILL');
    }
  } finally {
    await downstream.stop();
  }
}

/** The heartbeat kcp's Go syncer sends: a JSON patch on the SyncTarget's /status, with the syncer's token. */
async function syncerHeartbeat(syncer: RawClient, cluster: string, uid: string): Promise<void> {
  const res = await syncer.request(
    'PATCH',
    `/clusters/${cluster}/apis/workload.kcp.io/v1alpha1/synctargets/${SYNC_TARGET}/status`,
    {
      rawBody: JSON.stringify([
        { op: 'test', path: '/metadata/uid', value: uid },
        {
          op: 'replace',
          path: '/status/lastSyncerHeartbeatTime',
          value: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
        },
      ]),
      contentType: 'application/json-patch+json',
    },
    syncer.baseServer,
  );
  if (res.status !== 200) throw new Error(`syncer heartbeat: HTTP ${res.status} ${res.text}`);
}

/** The APIBinding of `bind compute` takes a moment to serve the bound resources in the workspace. */
async function waitForServed(client: RawClient): Promise<void> {
  await eventually(
    async () =>
      (await client.get('/apis/apps/v1/deployments')).status === 200 &&
      (await client.get('/api/v1/services')).status === 200 &&
      (await client.get('/api/v1/persistentvolumes')).status === 200,
    60_000,
    'deployments and services served in root:org',
  );
}

/** The token of kcp's `shard-admin` user (context `system:admin` of kcp's admin.kubeconfig). */
async function shardAdminToken(kcp: RealKcp): Promise<string> {
  const config = parse(await readFile(kcp.adminKubeconfigPath, 'utf8')) as {
    users?: Array<{ name: string; user: { token?: string } }>;
  };
  const token = config.users?.find((u) => u.name === 'shard-admin')?.user.token;
  if (token === undefined) throw new Error(`${kcp.adminKubeconfigPath}: no shard-admin token`);
  return token;
}
