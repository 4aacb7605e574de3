import { NS } from './manifests.js';
import { normalizeText } from './normalize.js';
import type { Projection, Step } from './step-types.js';

const TABLE_V1 = 'application/json;as=Table;v=v1;g=meta.k8s.io';
const TABLE_V1BETA1 = 'application/json;as=Table;v=v1beta1;g=meta.k8s.io';

/**
 * A server-side Table compared typed (what kubectl's printer receives): the column definitions exactly, each
 * row's cells (strings normalized, numbers and booleans as they are), conditions, and the row object's kind.
 */
const table: Projection = (r) => {
  if (r.code !== 200) return `status=${r.code}\n${r.stdout}`;
  const t = JSON.parse(r.stdout) as Record<string, unknown>;
  const rows = t.rows as Record<string, unknown>[] | null;
  const cell = (c: unknown) => (typeof c === 'string' ? normalizeText(c) : c);
  const object = (o: unknown) => {
    if (o === null || typeof o !== 'object') return o;
    const { kind, apiVersion, metadata } = o as Record<string, unknown>;
    return { kind, apiVersion, name: normalizeText(String((metadata as Record<string, unknown>)?.name)) };
  };
  const shown = {
    kind: t.kind,
    apiVersion: t.apiVersion,
    columnDefinitions: t.columnDefinitions,
    rows:
      rows === null
        ? null
        : rows
            .map((row) =>
              JSON.stringify({
                cells: (row.cells as unknown[]).map(cell),
                conditions: row.conditions,
                object: object(row.object),
              }),
            )
            // Rows come in name order, and generated names sort differently on each server.
            .sort(),
  };
  return JSON.stringify(shown, null, 1);
};

const rawTable = (path: string, accept = TABLE_V1): Step => ({
  id: `Table ${path}${accept === TABLE_V1 ? '' : ' (v1beta1)'}`,
  args: [],
  raw: { path, accept },
  project: table,
});

/** Server-side Tables of every kind the session created, as kubectl asks for them. */
export const RAW_TABLES: Step[] = [
  ...[
    'pods',
    'configmaps?fieldSelector=metadata.name%3Dcfg',
    'configmaps?fieldSelector=metadata.name%3Dcfg&includeObject=Object',
    'configmaps?fieldSelector=metadata.name%3Dcfg&includeObject=None',
    'secrets?fieldSelector=metadata.name%3Dcreds',
    'services',
    'endpoints?fieldSelector=metadata.name%3Dexternal',
    'serviceaccounts?fieldSelector=metadata.name%3Drobot',
    'persistentvolumeclaims',
  ].map((r) => rawTable(`/api/v1/namespaces/${NS}/${r}`)),
  ...['deployments', 'deployments/web', 'replicasets', 'statefulsets', 'daemonsets'].map((r) =>
    rawTable(`/apis/apps/v1/namespaces/${NS}/${r}`),
  ),
  rawTable(`/apis/apps/v1/namespaces/${NS}/deployments`, TABLE_V1BETA1),
  rawTable(`/apis/batch/v1/namespaces/${NS}/cronjobs`),
  rawTable(`/apis/networking.k8s.io/v1/namespaces/${NS}/ingresses`),
  rawTable(`/apis/networking.k8s.io/v1/namespaces/${NS}/networkpolicies`),
  rawTable(`/apis/rbac.authorization.k8s.io/v1/namespaces/${NS}/roles`),
  rawTable(`/apis/rbac.authorization.k8s.io/v1/namespaces/${NS}/rolebindings`),
  rawTable(`/apis/coordination.k8s.io/v1/namespaces/${NS}/leases`),
  rawTable(`/apis/example.com/v1/namespaces/${NS}/widgets`),
  rawTable('/apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets.example.com'),
  rawTable(`/api/v1/namespaces/${NS}`),
];
