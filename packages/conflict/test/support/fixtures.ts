import {
  classifyHttpError,
  clusterKey,
  DOWNSTREAM_CLUSTER_LABEL,
  gvr,
  type KubeObject,
  type SyncContext,
  type TmcError,
} from '@kcp-tmc/interfaces';

export const deployments = gvr('apps', 'v1', 'deployments');
export const SYNC_TARGET_KEY = 'aPXkBdRsTD8gXESO47r9qXmkr2kaG5qaox5C8r';

export function context(overrides: Partial<SyncContext> = {}): SyncContext {
  return {
    direction: 'down',
    cluster: 'root:org:ws',
    gvr: deployments,
    key: clusterKey('root:org:ws', deployments, 'default', 'web'),
    syncTarget: { cluster: 'root:compute', name: 'west', uid: 'st-uid', key: SYNC_TARGET_KEY },
    ...overrides,
  };
}

/** A downstream Deployment as the syncer wants it. */
export function desiredDeployment(replicas = 3, image = 'nginx:1.27'): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: 'web',
      namespace: 'kcp-3kx8pw7yq2mb',
      labels: { app: 'web', [DOWNSTREAM_CLUSTER_LABEL]: SYNC_TARGET_KEY },
    },
    spec: {
      replicas,
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: { containers: [{ name: 'web', image, ports: [{ containerPort: 80 }] }] },
      },
    },
  };
}

/** The same Deployment as the server returns it, with server fields and `edit` applied by someone else. */
export function existingDeployment(edit: (spec: Record<string, unknown>) => void = () => {}): KubeObject {
  const object = desiredDeployment();
  const spec = object.spec as Record<string, unknown>;
  spec.strategy = { type: 'RollingUpdate' };
  edit(spec);
  return {
    ...object,
    metadata: {
      ...object.metadata,
      uid: 'down-uid',
      resourceVersion: '42',
      generation: 2,
      creationTimestamp: '2024-05-01T10:00:00Z',
      managedFields: [{ manager: 'kcp-tmc-syncer', operation: 'Apply' }],
    },
    status: { replicas: 3, readyReplicas: 3 },
  };
}

/** A 409 Status of the API server about Deployment `web`, as classified by the kube client. */
function conflictStatus(message: string, causes?: readonly Record<string, string>[]): TmcError {
  const details = { name: 'web', group: 'apps', kind: 'deployments', ...(causes ? { causes } : {}) };
  return classifyHttpError({
    status: 409,
    body: {
      kind: 'Status',
      apiVersion: 'v1',
      status: 'Failure',
      message,
      reason: 'Conflict',
      details,
      code: 409,
    },
  });
}

/** A 409 as the API server sends it for an update with a stale resourceVersion. */
export function staleResourceVersionError(): TmcError {
  return conflictStatus(
    'Operation cannot be fulfilled on deployments.apps "web": the object has been modified; please apply your changes to the latest version and try again',
  );
}

/** A 409 as the API server sends it for a server-side apply meeting other managers' fields. */
export function applyConflictError(fields: string[], manager = 'kubectl-edit'): TmcError {
  return conflictStatus(
    `Apply failed with ${fields.length} conflict(s): conflict with "${manager}" using apps/v1: ${fields.join(', ')}`,
    fields.map((field) => ({
      type: 'FieldManagerConflict',
      message: `conflict with "${manager}" using apps/v1`,
      field,
    })),
  );
}
