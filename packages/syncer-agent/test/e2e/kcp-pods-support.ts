// Pods on real kcp v0.11 with a kube 1.35 downstream, for the upsync and tunnel suites.
//
// Why a Pod schema of our own: kcp turns the syncer's import of the downstream Pod schema (APIResourceImport)
// into an APIResourceSchema of the workspace's `kubernetes` export, and the 1.35 Pod schema fails kcp v0.11's
// APIResourceSchema validation (reference/real-kcp/README.md, step 3); root:compute's kube 1.24 Pod schema is
// Incompatible with it (`x-kubernetes-list-type: Invalid value: "atomic"` on every list 1.35 marks atomic,
// ground-truth/schemacompat-others.txt). So pods never reach the SyncTarget and its virtual workspaces.
//
// What works: an export of a Pod schema kcp accepts, added to the SyncTarget's supportedAPIExports and bound in
// the workspace. The virtual workspaces serve only Accepted syncedResources (pkg/virtual/syncer/controllers/
// apireconciler), and kcp accepts a resource when the syncer's import is compatible with the exported schema
// (pkg/reconciler/workload/synctargetexports/synctargetcompatible_reconcile.go, pkg/schemacompat): every
// exported field must exist in the import with the same type, list type and x-kubernetes-preserve-unknown-fields.
// A schema that keeps any field fails that (preserve-unknown-fields on one side only), so this one is a small
// subset of the 1.35 Pod schema as the syncer imports it (no enums or map types): the fields the suites read.
// Everything else is pruned upstream. The syncer imports pods by itself once they are in syncedResources.
import type { KcpWorld } from '@kcp-tmc/testing';
import { waitFor } from './support.js';

const string = { type: 'string' };
const object = (properties: Record<string, unknown>) => ({ type: 'object', properties });

/** A subset of the 1.35 Pod schema, compatible with the import: spec.nodeName, containers, status.phase. */
const POD_SCHEMA = object({
  apiVersion: string,
  kind: string,
  metadata: { type: 'object' },
  spec: object({
    nodeName: string,
    containers: {
      type: 'array',
      'x-kubernetes-list-type': 'map',
      'x-kubernetes-list-map-keys': ['name'],
      items: { ...object({ name: string, image: string }), required: ['name'] },
    },
  }),
  status: object({ phase: string, message: string }),
});

const SYNC_TARGETS = '/apis/workload.kcp.io/v1alpha1/synctargets';

/**
 * Exports and binds the Pod schema in the world's workspace, adds the export to the SyncTarget, and waits until
 * kcp accepts pods for it (after the syncer's next API import: `--api-import-poll-interval`).
 */
export async function syncPodsOnRealKcp(world: KcpWorld, timeoutMs = 90_000): Promise<void> {
  const objects: Array<[string, unknown]> = [
    [
      '/apis/apis.kcp.io/v1alpha1/apiresourceschemas',
      {
        apiVersion: 'apis.kcp.io/v1alpha1',
        kind: 'APIResourceSchema',
        metadata: { name: 'v1.pods.core' },
        spec: {
          group: '',
          names: { kind: 'Pod', listKind: 'PodList', plural: 'pods', singular: 'pod' },
          scope: 'Namespaced',
          versions: [
            { name: 'v1', served: true, storage: true, schema: POD_SCHEMA, subresources: { status: {} } },
          ],
        },
      },
    ],
    [
      '/apis/apis.kcp.io/v1alpha1/apiexports',
      {
        apiVersion: 'apis.kcp.io/v1alpha1',
        kind: 'APIExport',
        metadata: { name: 'pods' },
        spec: { latestResourceSchemas: ['v1.pods.core'] },
      },
    ],
    [
      '/apis/apis.kcp.io/v1alpha1/apibindings',
      {
        apiVersion: 'apis.kcp.io/v1alpha1',
        kind: 'APIBinding',
        metadata: { name: 'pods' },
        spec: { reference: { export: { path: world.workspace.path, name: 'pods' } } },
      },
    ],
  ];
  for (const [path, body] of objects) {
    // kcp checks the bind permission of a new APIBinding against its caches, which may not hold the APIExport
    // created just before it: "no permission to bind to export" (403) until they do. Anything else fails at once.
    await waitFor(async () => {
      const answer = await world.up('POST', path, body);
      if (answer.status === 201) return true;
      if (answer.status === 403 && path.endsWith('/apibindings')) return false;
      throw new Error(`${path}: ${answer.status} ${JSON.stringify(answer.body)}`);
    }, `POST ${path}`);
  }
  const path = `${SYNC_TARGETS}/${world.generated.syncTargetName}`;
  const target = (await world.up('GET', path)).body as { spec: { supportedAPIExports?: unknown[] } };
  const exports = [
    ...(target.spec.supportedAPIExports ?? []),
    { export: 'pods', path: world.workspace.path },
  ];
  const updated = await world.up('PUT', path, {
    ...target,
    spec: { ...target.spec, supportedAPIExports: exports },
  });
  if (updated.status !== 200)
    throw new Error(`SyncTarget: ${updated.status} ${JSON.stringify(updated.body)}`);
  await waitFor(
    async () => {
      const st = (await world.up('GET', path)).body as {
        status?: { syncedResources?: Array<{ resource: string; state?: string }> };
      };
      return st.status?.syncedResources?.find((r) => r.resource === 'pods')?.state === 'Accepted';
    },
    'pods Accepted for the SyncTarget',
    timeoutMs,
  );
}

/** Makes the syncer import again soon after the SyncTarget gains pods (kcp's default is a minute). */
export const FAST_API_IMPORT = '--api-import-poll-interval=5s';
