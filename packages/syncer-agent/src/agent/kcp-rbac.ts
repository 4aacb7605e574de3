import type { DeniedAccessHint } from '@kcp-tmc/kube';

/**
 * What to grant upstream, in the words of the ClusterRole `kubectl kcp workload sync` generates for the
 * syncer (kcp v0.11: pkg/cliplugins/workload/plugin/sync.go): `sync` and get/list/watch on the one SyncTarget
 * (resourceNames), update/patch on its status, get on its tunnel, and APIResourceImports.
 */
export function kcpSyncerRbacHint(syncTargetName: string): DeniedAccessHint {
  const generated = "(kcp's generated ClusterRole has it)";
  return (denied) => {
    // The syncer virtual workspace authorizes every request with the `sync` verb on the SyncTarget.
    if (/\/services\/syncer\//.test(denied.server)) {
      return `grant verb sync on synctargets.workload.kcp.io "${syncTargetName}" ${generated}`;
    }
    if (denied.group === 'workload.kcp.io' && denied.resource === 'synctargets') {
      switch (denied.subresource) {
        case undefined:
          return denied.name === undefined
            ? `grant get/list/watch on synctargets.workload.kcp.io "${syncTargetName}" ${generated}; a list or watch must select fieldSelector=metadata.name=${syncTargetName}, which that role's resourceNames requires`
            : `grant get/list/watch on synctargets.workload.kcp.io "${denied.name}" ${generated}`;
        case 'status':
          return `grant update/patch on synctargets/status "${syncTargetName}" ${generated}`;
        case 'tunnel':
          return `grant get on synctargets/tunnel "${syncTargetName}" ${generated}`;
        default:
          return undefined;
      }
    }
    if (denied.group === 'apiresource.kcp.io' && denied.resource === 'apiresourceimports') {
      return `grant get/create/update/delete/list/watch on apiresourceimports.apiresource.kcp.io ${generated}`;
    }
    return undefined;
  };
}
