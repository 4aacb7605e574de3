import type { ResourceRegistry } from '../api/registry.js';
import type { ResourceType } from '../api/resource-type.js';
import type { ResourceService } from '../api/service.js';
import { forbidden, notFound } from '../api/status.js';
import { isPlainObject, type KubeObject } from '../api/types.js';
import { groupsWithResources } from '../api/wildcard.js';
import type { SyncerWorkspace } from '../server/server.js';
import { fromSyncerView, toSyncerView } from './syncer-transform.js';
import { syncTargetKey } from './synctarget-key.js';
import { STATE_LABEL_PREFIX } from './workload-names.js';

const SYNCTARGETS = 'workload.kcp.io/synctargets';
const SYNCTARGET_GR = { group: 'workload.kcp.io', resource: 'synctargets' };

/** Served for every SyncTarget whatever it exports (pkg/virtual/syncer/schemas/builtin/builtin.go). */
const ALWAYS_SERVED = new Set(['/namespaces', '/configmaps', '/secrets', '/serviceaccounts']);
/** Never served by the syncer virtual workspace (allowedAPIFilter in pkg/virtual/syncer/builder/build.go). */
const NEVER_SERVED = new Set(['/pods', '/endpoints']);
/** The storage of the syncer virtual workspace offers no create and no delete (builder/forwarding.go). */
export const SYNCER_VERBS = ['get', 'list', 'patch', 'update', 'watch'];

function acceptedResources(st: KubeObject): { gr: string; versions: string[] }[] {
  const status = isPlainObject(st.status) ? st.status : {};
  const synced = Array.isArray(status.syncedResources) ? status.syncedResources : [];
  return synced.filter(isPlainObject).flatMap((r) =>
    r.state === 'Accepted' && typeof r.resource === 'string'
      ? [
          {
            gr: `${typeof r.group === 'string' ? r.group : ''}/${r.resource}`,
            versions: Array.isArray(r.versions) ? r.versions.filter((v) => typeof v === 'string') : [],
          },
        ]
      : [],
  );
}

/** What both virtual workspaces of a SyncTarget start from: its key, state label and Accepted resources. */
export function workspaceOf(
  service: ResourceService,
  coords: { cluster: string; syncTarget: string; uid: string },
): { key: string; label: string; accepted(gr: string, version: string): boolean } {
  const st = service.store.get(coords.cluster, SYNCTARGETS, '', coords.syncTarget);
  if (!st) throw notFound(SYNCTARGET_GR, coords.syncTarget);
  if (st.metadata.uid !== coords.uid) {
    throw forbidden(SYNCTARGET_GR, coords.syncTarget, `the SyncTarget uid does not match ${coords.uid}`);
  }
  const key = syncTargetKey(coords.cluster, coords.syncTarget);
  const list = acceptedResources(st);
  return {
    key,
    label: STATE_LABEL_PREFIX + key,
    accepted: (gr, version) =>
      list.some((a) => a.gr === gr && (a.versions.length === 0 || a.versions.includes(version))),
  };
}

/**
 * The syncer virtual workspace of one SyncTarget (`/services/syncer/<cluster>/<name>/<uid>`): the APIs it
 * serves (the built-in four plus the Accepted `status.syncedResources`, without pods and endpoints), the
 * label selector `state.workload.kcp.io/<key>=Sync` on each object's own labels (builder/template.go,
 * forwardingregistry.WithStaticLabelSelector), and kcp's syncer transformations on reads and writes.
 */
export function openSyncerWorkspace(
  service: ResourceService,
  coords: { cluster: string; syncTarget: string; uid: string },
): SyncerWorkspace {
  const { key, label, accepted } = workspaceOf(service, coords);
  const serves = (rt: ResourceType, version: string): boolean => {
    const gr = `${rt.group}/${rt.resource}`;
    if (rt.group === '' && NEVER_SERVED.has(gr)) return false;
    if (rt.group === '' && ALWAYS_SERVED.has(gr)) return version === 'v1';
    return accepted(gr, version);
  };
  return {
    key,
    serves,
    visible: (_cluster, obj) => obj.metadata.labels?.[label] === 'Sync',
    view: {
      read: (obj) => toSyncerView(obj, key),
      write: (stored, incoming, subresource, gr) =>
        fromSyncerView({
          key,
          gr: { group: gr.group, resource: gr.resource },
          stored,
          view: incoming,
          subresource,
        }),
    },
  };
}

/** What discovery shows inside a syncer virtual workspace: the served APIs, their verbs, only /status. */
export function syncerRegistry(
  registry: ResourceRegistry,
  workspace: SyncerWorkspace,
): Pick<ResourceRegistry, 'groups' | 'resourcesIn'> {
  const restrict = (rt: ResourceType): ResourceType => ({
    ...rt,
    verbs: workspace.verbs === undefined ? SYNCER_VERBS : [...workspace.verbs],
    subresources: rt.subresources.status ? { status: true } : {},
  });
  const resourcesIn = (cluster: string, group: string, version: string) =>
    registry
      .resourcesIn(cluster, group, version)
      .filter((rt) => workspace.serves(rt, version))
      .map(restrict);
  return { resourcesIn, groups: (cluster) => groupsWithResources(registry, cluster, resourcesIn) };
}
