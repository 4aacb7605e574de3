import type { ResourceType } from '../api/resource-type.js';
import type { ResourceService } from '../api/service.js';
import { badRequest } from '../api/status.js';
import type { KubeObject } from '../api/types.js';
import type { SyncerWorkspace } from '../server/server.js';
import { SYNCER_VERBS, workspaceOf } from './syncer-workspace.js';

/** Only these may be upsynced (allowedAPIFilter of the upsyncer in pkg/virtual/syncer/builder/build.go). */
const UPSYNCABLE = new Set(['/pods', '/persistentvolumes']);
/** The upsyncer's storage adds create and delete to the syncer's (builder/forwarding.go). */
const UPSYNCER_VERBS: ReadonlySet<string> = new Set(['create', 'delete', ...SYNCER_VERBS]);

/**
 * kcp v0.11's upsyncer virtual workspace of one SyncTarget (`/services/upsyncer/<cluster>/<name>/<uid>`): pods
 * and persistent volumes, once Accepted in the SyncTarget's `status.syncedResources`; objects labelled
 * `state.workload.kcp.io/<key>=Upsync` only; objects as stored (its transformer only applies an
 * `internal.workload.kcp.io/upsyncdiff` patch, which no syncer writes); a create or update whose object would leave the
 * label selector is refused with 400 (upsyncer/storage_wrapper.go).
 */
export function openUpsyncerWorkspace(
  service: ResourceService,
  coords: { cluster: string; syncTarget: string; uid: string },
): SyncerWorkspace {
  const { key, label, accepted } = workspaceOf(service, coords);
  const upsynced = (obj: KubeObject) => obj.metadata.labels?.[label] === 'Upsync';
  const serves = (rt: ResourceType, version: string): boolean => {
    const gr = `${rt.group}/${rt.resource}`;
    if (rt.group !== '' || !UPSYNCABLE.has(gr)) return false;
    return accepted(gr, version);
  };
  return {
    key,
    serves,
    verbs: UPSYNCER_VERBS,
    visible: (_cluster, obj) => upsynced(obj),
    view: {
      read: (obj) => obj,
      write: (_stored, incoming, subresource) => {
        if (subresource !== 'status' && !upsynced(incoming)) {
          throw badRequest(
            `label selector "${label}=Upsync" does not match labels ${JSON.stringify(incoming.metadata.labels ?? {})}`,
          );
        }
        return [{ subresource: subresource === 'status' ? 'status' : undefined, object: incoming }];
      },
    },
  };
}
