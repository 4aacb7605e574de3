import { isNamespacesGvr, isNeverSyncedNamespace, type SyncFilter } from '@kcp-tmc/interfaces';
import { isResource } from './gvrs.js';

/** `kube-system`, `kube-public`, `kube-node-lease` and everything in them never sync (as in kcp). */
export const neverSyncedNamespaceFilter: SyncFilter = {
  name: 'never-synced-namespaces',
  priority: -1000,
  shouldSync: (object, context) => {
    const namespace = isNamespacesGvr(context.gvr) ? object.metadata.name : object.metadata.namespace;
    return namespace === undefined || !isNeverSyncedNamespace(namespace);
  },
  shouldDelete: () => false,
};

/** Core resources kcp's syncer never syncs down (pkg/syncer/syncer.go: kept out of the spec syncer's GVRs). */
export const NEVER_SYNCED_RESOURCES: readonly string[] = ['pods', 'endpoints'];

/**
 * Pods and endpoints never sync (kcp only ever upsyncs them): the downstream's own are left alone, never
 * deleted for failing the filter.
 */
export const neverSyncedResourceFilter: SyncFilter = {
  name: 'never-synced-resources',
  priority: -1000,
  shouldSync: (_object, context) => !NEVER_SYNCED_RESOURCES.some((r) => isResource(context.gvr, '', r)),
  shouldDelete: () => false,
};
