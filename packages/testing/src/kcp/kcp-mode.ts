import type { ResourceService } from '../api/service.js';
import { forbidden, notFound } from '../api/status.js';
import { cloneJson, isPlainObject, type KubeObject } from '../api/types.js';
import type { ClusterResolver } from '../server/server.js';
import { stateLabel, syncTargetKey } from './synctarget-key.js';

const SYNCTARGETS = 'workload.kcp.io/synctargets';
const NAMESPACES = '/namespaces';
export const ROOT_CLUSTER = 'root';

export interface KcpModeOptions {
  /** The simulator's base URL (known once it listens), for SyncTarget virtual workspace URLs. */
  baseUrl: () => string;
  /** Creates a namespace in a logical cluster (ignoring AlreadyExists). */
  createNamespace: (cluster: string, name: string) => void;
}

function virtualWorkspaces(base: string, cluster: string, name: string, uid: string) {
  return [
    {
      syncerURL: `${base}/services/syncer/${cluster}/${name}/${uid}`,
      upsyncerURL: `${base}/services/upsyncer/${cluster}/${name}/${uid}`,
    },
  ];
}

/**
 * kcp mode: logical clusters under `/clusters/<name>` (each with a `default` namespace on first use),
 * wildcard `/clusters/*`, SyncTarget status carrying its virtual workspace URLs, and the syncer virtual
 * workspace showing only objects (or objects in namespaces) labelled `state.workload.kcp.io/<key>: Sync`.
 */
export function installKcpMode(service: ResourceService, options: KcpModeOptions): ClusterResolver {
  const known = new Set<string>();
  const rt = () => service.registry.lookupGroupResource(ROOT_CLUSTER, 'workload.kcp.io', 'synctargets')!;

  // Like kcp's SyncTarget controller: publish the virtual workspace URLs in status.
  service.onCommit(({ type, target, cluster, object }) => {
    if (type === 'DELETED' || target.rt.group !== 'workload.kcp.io' || target.rt.resource !== 'synctargets')
      return;
    const status = isPlainObject(object.status) ? object.status : {};
    if (Array.isArray(status.virtualWorkspaces) && status.virtualWorkspaces.length > 0) return;
    const next: KubeObject = cloneJson(object);
    next.status = {
      ...status,
      virtualWorkspaces: virtualWorkspaces(
        options.baseUrl(),
        cluster,
        object.metadata.name!,
        object.metadata.uid!,
      ),
    };
    const statusTarget = {
      cluster,
      rt: rt(),
      version: 'v1alpha1',
      namespace: undefined,
      name: object.metadata.name!,
      subresource: 'status',
    };
    service.writeUpdate(
      statusTarget,
      cluster,
      object,
      next,
      {},
      {
        manager: 'kcp-synctarget-controller',
        operation: 'Update',
        apiVersion: 'workload.kcp.io/v1alpha1',
        time: object.metadata.creationTimestamp ?? '',
        subresource: 'status',
      },
    );
  });

  return {
    defaultCluster: ROOT_CLUSTER,
    kcp: true,
    ensureCluster(cluster) {
      if (known.has(cluster)) return;
      known.add(cluster);
      options.createNamespace(cluster, 'default');
    },
    syncerView({ cluster, syncTarget, uid }) {
      const st = service.store.get(cluster, SYNCTARGETS, '', syncTarget);
      if (!st) throw notFound({ group: 'workload.kcp.io', resource: 'synctargets' }, syncTarget);
      if (st.metadata.uid !== uid) {
        throw forbidden(
          { group: 'workload.kcp.io', resource: 'synctargets' },
          syncTarget,
          `the SyncTarget uid does not match ${uid}`,
        );
      }
      const label = stateLabel(syncTargetKey(cluster, syncTarget));
      return (c: string, obj: KubeObject) => {
        if (obj.metadata.labels?.[label] === 'Sync') return true;
        const ns = obj.metadata.namespace;
        if (!ns) return false;
        return service.store.get(c, NAMESPACES, '', ns)?.metadata.labels?.[label] === 'Sync';
      };
    },
  };
}
