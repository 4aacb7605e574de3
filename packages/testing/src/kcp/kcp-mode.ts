import type { ResourceService } from '../api/service.js';
import type { ClusterResolver } from '../server/server.js';
import { ResourceController } from './resource-controller.js';
import { ServiceAccountControllers } from './service-accounts.js';
import { openSyncerWorkspace, syncerRegistry } from './syncer-workspace.js';
import { SyncTargetControllers } from './synctarget-controllers.js';
import { openUpsyncerWorkspace } from './upsyncer-workspace.js';

export const ROOT_CLUSTER = 'root';
/** kcp's default --sync-target-heartbeat-threshold. */
export const DEFAULT_HEARTBEAT_THRESHOLD_MS = 60_000;

export interface KcpModeOptions {
  /** The simulator's base URL (known once it listens), for SyncTarget virtual workspace URLs. */
  baseUrl: () => string;
  /** Creates a namespace in a logical cluster (ignoring AlreadyExists). */
  createNamespace: (cluster: string, name: string) => void;
  /** kcp's --sync-target-heartbeat-threshold. */
  heartbeatThresholdMs?: number;
  /** The CA bundle kcp serves with, published in every namespace's `kube-root-ca.crt` and token Secrets. */
  caPem: string;
}

export type KcpResolver = ClusterResolver & { stop(): void };

/**
 * kcp mode: logical clusters under `/clusters/<name>` (each with a `default` namespace on first use),
 * wildcard `/clusters/*`, kcp's SyncTarget and workload resource controllers, the kube controllers that give
 * every namespace its `default` ServiceAccount, token Secret and `kube-root-ca.crt`, and the syncer virtual
 * workspace at `/services/syncer/<cluster>/<synctarget>/<uid>` with kcp v0.11's rules, and its upsyncer
 * virtual workspace beside it at `/services/upsyncer/...`.
 */
export function installKcpMode(service: ResourceService, options: KcpModeOptions): KcpResolver {
  const known = new Set<string>();
  const syncTargets = new SyncTargetControllers(service, {
    baseUrl: options.baseUrl,
    heartbeatThresholdMs: options.heartbeatThresholdMs ?? DEFAULT_HEARTBEAT_THRESHOLD_MS,
  });
  const resources = new ResourceController(service, () => known);
  const serviceAccounts = new ServiceAccountControllers(service, { caPem: options.caPem });
  return {
    defaultCluster: ROOT_CLUSTER,
    kcp: true,
    ensureCluster(cluster) {
      if (known.has(cluster)) return;
      known.add(cluster);
      options.createNamespace(cluster, 'default');
    },
    syncerView: (coords) =>
      coords.upsyncer ? openUpsyncerWorkspace(service, coords) : openSyncerWorkspace(service, coords),
    syncerDiscovery: (workspace) => syncerRegistry(service.registry, workspace),
    stop() {
      syncTargets.stop();
      resources.stop();
      serviceAccounts.stop();
    },
  };
}
