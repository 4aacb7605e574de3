import { isNeverSyncedNamespace, type SyncFilter } from '@kcp-tmc/interfaces';
import { isNamespaces } from './gvrs.js';

export { serviceAccountTokenFilter } from './transformers/secrets.js';

/** `kube-system`, `kube-public`, `kube-node-lease` and everything in them never sync (as in kcp). */
export const neverSyncedNamespaceFilter: SyncFilter = {
  name: 'never-synced-namespaces',
  priority: -1000,
  shouldSync: (object, context) => {
    const namespace = isNamespaces(context.gvr) ? object.metadata.name : object.metadata.namespace;
    return namespace === undefined || !isNeverSyncedNamespace(namespace);
  },
  shouldDelete: () => false,
};
