import { defineResource } from '../api/resource-type.js';

/**
 * kcp's apiresource.kcp.io/v1alpha1 APIResourceImport (a CRD in every kcp workspace: cluster-scoped, status
 * subresource, category `kcp`), served here as a plain custom-resource-like type, so a syncer's API importer
 * can write its imports. The simulator does not negotiate them into APIResourceSchemas.
 */
export const API_RESOURCE_IMPORT_TYPE = defineResource({
  group: 'apiresource.kcp.io',
  versions: ['v1alpha1'],
  resource: 'apiresourceimports',
  kind: 'APIResourceImport',
  namespaced: false,
  categories: ['kcp'],
  subresources: { status: true },
  generation: true,
  builtin: false,
});
