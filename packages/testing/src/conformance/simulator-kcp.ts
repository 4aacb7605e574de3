import { syncTargetKey } from '../kcp/synctarget-key.js';
import { STATE_LABEL_PREFIX } from '../kcp/workload-names.js';
import { startKubeSimulator } from '../simulator.js';
import { eventually, RawClient } from './client.js';
import type { ConformanceTarget } from './target.js';

const TOKEN = 'conformance-token';
const ORG = 'root:org';
const SYNC_TARGET = 'phys';
/** Short, so that the stale-heartbeat case runs in seconds (kcp's default is one minute). */
const HEARTBEAT_THRESHOLD_MS = 3_000;
/** What `--resources=deployments.apps,services,persistentvolumes` leaves Accepted once the API importer ran. */
const SYNCED = [
  { group: 'apps', resource: 'deployments', versions: ['v1'], state: 'Accepted' },
  { resource: 'services', versions: ['v1'], state: 'Accepted' },
  { resource: 'persistentvolumes', versions: ['v1'], state: 'Accepted' },
];

/**
 * The simulator in kcp mode as a conformance target, with a SyncTarget set up as `kubectl kcp workload sync`
 * and the syncer's API importer leave it. The simulator runs no Placement scheduler: placing a namespace
 * labels it as kcp's namespace scheduler would.
 */
export async function simulatorKcpTarget(tls: boolean): Promise<ConformanceTarget> {
  const clusters: [string, string] = ['root:org:a', 'root:org:b'];
  const sim = await startKubeSimulator({
    token: TOKEN,
    tls,
    kcp: { clusters: [ORG, ...clusters], heartbeatThresholdMs: HEARTBEAT_THRESHOLD_MS, localCrds: true },
  });
  const admin = new RawClient(sim.kubeconfig);
  const base = admin.baseServer;
  const stPath = `/clusters/${ORG}/apis/workload.kcp.io/v1alpha1/synctargets`;
  const created = await admin.request(
    'POST',
    stPath,
    {
      body: {
        apiVersion: 'workload.kcp.io/v1alpha1',
        kind: 'SyncTarget',
        metadata: { name: SYNC_TARGET },
        spec: { supportedAPIExports: [{ export: 'kubernetes' }], unschedulable: false },
      },
    },
    base,
  );
  if (created.status !== 201) throw new Error(`creating the SyncTarget failed: ${created.text}`);
  const syncerURL = await eventually(
    async () => {
      const got = await admin.request('GET', `${stPath}/${SYNC_TARGET}`, {}, base);
      const url = got.json?.status?.virtualWorkspaces?.[0]?.syncerURL as string | undefined;
      if (!url) return undefined;
      const status = { ...got.json.status, syncedResources: SYNCED };
      const put = await admin.request(
        'PUT',
        `${stPath}/${SYNC_TARGET}/status`,
        { body: { ...got.json, status } },
        base,
      );
      return put.status === 200 ? url : undefined;
    },
    15_000,
    'the SyncTarget virtual workspace URL',
  );
  const key = syncTargetKey(ORG, SYNC_TARGET);
  const createNamespace = async (name: string, labels: Record<string, string>) => {
    const res = await admin.request(
      'POST',
      `/clusters/${ORG}/api/v1/namespaces`,
      { body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } } },
      base,
    );
    if (res.status !== 201) throw new Error(`creating namespace ${name} failed: ${res.text}`);
  };
  return {
    kubeconfig: sim.kubeconfig,
    kcp: {
      clusters,
      syncTarget: {
        cluster: ORG,
        syncTargetName: SYNC_TARGET,
        syncTargetUid: created.json.metadata.uid,
        syncTargetKey: key,
        syncerURL,
        syncerKubeconfig: sim.kubeconfigFor(ORG),
        heartbeatThresholdMs: HEARTBEAT_THRESHOLD_MS,
        syncedResources: ['apps/v1/deployments', 'v1/services', 'v1/persistentvolumes'],
        placeNamespace: (name) => createNamespace(name, { [STATE_LABEL_PREFIX + key]: 'Sync' }),
        createUnplacedNamespace: (name) => createNamespace(name, {}),
      },
    },
    capabilities: {
      kcp: true,
      syncTargets: true,
      syncerVirtualWorkspace: true,
      handSetNamespaceState: true,
      compact: async () => sim.faults.compact(),
    },
    dispose: () => sim.stop(),
  };
}
