import type { KubectlRun } from './kubectl.js';
import {
  CONFIGMAP_YAML,
  CRD_YAML,
  DEPLOYMENT_YAML,
  NAMESPACE_YAML,
  NS,
  PRINTING_YAML,
  SECRET_YAML,
  SERVICE_YAML,
  SETTINGS_YAML,
  WIDGET_YAML,
} from './manifests.js';
import { describeKeys, headerLine, jsonPaths, normalizeText, sortedLines } from './normalize.js';

/** How a step's outcome is reduced to what both servers must agree on. */
export type Projection = (run: KubectlRun) => string;

export interface Step {
  /** Unique name, shown in failures and in the report. */
  id: string;
  args: string[];
  stdin?: string;
  /** `kubectl edit`: the EDITOR script rewrites the file. */
  editor?: boolean;
  timeoutMs?: number;
  /** Stop a following command once its output matches (logs -f). */
  stopWhen?: RegExp;
  project?: Projection;
  /** Run against the simulator only: the real harness has no kubelet (exec, logs). The expected projection. */
  simulatorOnly?: { expect: string; why: string };
  /** Not kubectl: a GET with this Accept header (what kubectl's printers receive, compared typed). */
  raw?: { path: string; accept: string };
  /** While the simulator lacks protobuf or OpenAPI (needsProtobufOrOpenapi), it runs these args instead. */
  fallback?: { args: string[]; stdin?: string };
}

/** exit code, normalized stdout, and normalized stderr when the command failed. */
export const outcome: Projection = (r) =>
  [`exit=${r.code}`, normalizeText(r.stdout), r.code === 0 ? '' : normalizeText(r.stderr)]
    .filter((s) => s !== '')
    .join('\n');
const exitAnd =
  (f: (s: string) => string): Projection =>
  (r) =>
    `exit=${r.code}\n${f(r.stdout)}`;
/** `rollout status` prints waiting lines as timing goes: only its verdict is compared. */
const lastLine: Projection = (r) => `exit=${r.code}\n${normalizeText(r.stdout).split('\n').pop() ?? ''}`;
/** Event lists differ in which kubelet events exist: compare headers and the controllers' reasons. */
const eventReasons: Projection = (r) => {
  const lines = normalizeText(r.stdout).split('\n');
  const reasons = lines
    .slice(1)
    .map((l) => l.split(' | ')[2] ?? '')
    .filter((reason) => ['ScalingReplicaSet'].includes(reason));
  return `exit=${r.code}\n${lines[0]}\n${[...new Set(reasons)].sort().join(',')}`;
};
/** kubectl diff: the changed lines of the object, without server-maintained fields. */
const diffLines: Projection = (r) =>
  `exit=${r.code}\n${r.stdout
    .split('\n')
    .filter((l) => /^[+-]\s/.test(l) && !/generation|resourceVersion|managedFields|time:/.test(l))
    .join('\n')}`;

const n = ['-n', NS];

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
const RAW_TABLES: Step[] = [
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

/** Kinds created by PRINTING_YAML, each listed with its server-side columns. */
const PRINTED_KINDS = [
  'ingresses',
  'networkpolicies',
  'roles',
  'rolebindings',
  'leases',
  'cronjobs',
  'statefulsets',
  'daemonsets',
  'serviceaccounts/robot',
  'endpoints/external',
  'services',
  'persistentvolumeclaims',
];
const fromFile = (yaml: string, ...extra: string[]) => ({
  args: ['create', '-f', '-', '--validate=false', ...extra],
  stdin: yaml,
});

/**
 * The everyday session, in order: each step leaves the state the next ones read. Every server runs the same
 * steps; outcomes are compared step by step after normalization.
 */
export const STEPS: Step[] = [
  {
    id: 'create namespace',
    args: ['create', 'namespace', NS],
    fallback: fromFile(NAMESPACE_YAML),
  },
  { id: 'get namespace', args: ['get', 'namespace', NS] },
  {
    id: 'create configmap --from-literal',
    args: ['create', 'configmap', 'cfg', '--from-literal=a=1', '--from-literal=b=2', ...n],
    fallback: fromFile(CONFIGMAP_YAML),
  },
  { id: 'get configmap', args: ['get', 'configmap', 'cfg', ...n] },
  {
    id: 'create secret generic',
    args: ['create', 'secret', 'generic', 'creds', '--from-literal=user=admin', ...n],
    fallback: fromFile(SECRET_YAML),
  },
  { id: 'get secret', args: ['get', 'secret', 'creds', ...n] },
  {
    id: 'create deployment',
    args: ['create', 'deployment', 'web', '--image=nginx:1.25', '--replicas=2', ...n],
    fallback: fromFile(DEPLOYMENT_YAML),
  },
  {
    id: 'rollout status (create)',
    args: ['rollout', 'status', 'deployment/web', '--timeout=60s', ...n],
    project: lastLine,
  },
  { id: 'get deployment', args: ['get', 'deployment', 'web', ...n] },
  { id: 'get deployment -o wide', args: ['get', 'deployment', 'web', '-o', 'wide', ...n] },
  { id: 'get replicasets', args: ['get', 'replicasets', ...n] },
  { id: 'get pods -l', args: ['get', 'pods', '-l', 'app=web', ...n] },
  { id: 'get pods -o wide', args: ['get', 'pods', '-o', 'wide', ...n], project: exitAnd(headerLine) },
  {
    id: 'get deployment -o json',
    args: ['get', 'deployment', 'web', '-o', 'json', ...n],
    project: exitAnd((s) =>
      jsonPaths(s, [
        'apiVersion',
        'kind',
        'metadata.name',
        'metadata.namespace',
        'spec.replicas',
        'spec.selector',
      ]),
    ),
  },
  { id: 'get -o jsonpath', args: ['get', 'deployment', 'web', '-o', 'jsonpath={.spec.replicas}', ...n] },
  {
    id: 'get -o custom-columns',
    args: ['get', 'pods', '-o', 'custom-columns=NAME:.metadata.name,IMAGE:.spec.containers[0].image', ...n],
  },
  {
    id: 'get -o name',
    // kube-root-ca.crt exists where a root-CA publisher runs (kcp workspaces), not on the bare harness.
    args: [
      'get',
      'deployments,configmaps',
      '-o',
      'name',
      '--field-selector=metadata.name!=kube-root-ca.crt',
      ...n,
    ],
  },
  { id: 'get all', args: ['get', 'all', ...n] },
  { id: 'label', args: ['label', 'deployment', 'web', 'tier=frontend', ...n] },
  { id: 'get -l (label selector)', args: ['get', 'deployments', '-l', 'tier=frontend', '-o', 'name', ...n] },
  { id: 'annotate', args: ['annotate', 'deployment', 'web', 'note=hello', ...n] },
  {
    id: 'get annotation (jsonpath)',
    args: ['get', 'deployment', 'web', '-o', 'jsonpath={.metadata.annotations.note}', ...n],
  },
  {
    id: 'patch --type=merge',
    args: ['patch', 'configmap', 'cfg', '--type=merge', '-p', '{"data":{"c":"3"}}', ...n],
  },
  {
    id: 'patch --type=json',
    args: ['patch', 'configmap', 'cfg', '--type=json', '-p', '[{"op":"remove","path":"/data/a"}]', ...n],
  },
  { id: 'get patched data', args: ['get', 'configmap', 'cfg', '-o', 'jsonpath={.data}', ...n] },
  {
    id: 'patch (strategic)',
    args: [
      'patch',
      'deployment',
      'web',
      '-p',
      '{"spec":{"template":{"spec":{"containers":[{"name":"nginx","env":[{"name":"MODE","value":"on"}]}]}}}}',
      ...n,
    ],
  },
  {
    id: 'rollout status (patch)',
    args: ['rollout', 'status', 'deployment/web', '--timeout=60s', ...n],
    project: lastLine,
  },
  { id: 'scale', args: ['scale', 'deployment', 'web', '--replicas=3', ...n] },
  {
    id: 'rollout status (scale)',
    args: ['rollout', 'status', 'deployment/web', '--timeout=60s', ...n],
    project: lastLine,
  },
  { id: 'get deployment (scaled)', args: ['get', 'deployment', 'web', ...n] },
  { id: 'set image', args: ['set', 'image', 'deployment/web', 'nginx=nginx:1.26', ...n] },
  {
    id: 'rollout status (image)',
    args: ['rollout', 'status', 'deployment/web', '--timeout=60s', ...n],
    project: lastLine,
  },
  { id: 'rollout history', args: ['rollout', 'history', 'deployment/web', ...n] },
  { id: 'rollout undo', args: ['rollout', 'undo', 'deployment/web', ...n] },
  {
    id: 'rollout status (undo)',
    args: ['rollout', 'status', 'deployment/web', '--timeout=60s', ...n],
    project: lastLine,
  },
  { id: 'rollout history (after undo)', args: ['rollout', 'history', 'deployment/web', ...n] },
  {
    id: 'get replicasets (after undo)',
    args: ['get', 'replicasets', '-o', 'wide', ...n],
    project: exitAnd(sortedLines),
  },
  {
    id: 'image after undo',
    args: ['get', 'deployment', 'web', '-o', 'jsonpath={.spec.template.spec.containers[0].image}', ...n],
  },
  {
    id: 'wait --for=condition',
    args: ['wait', '--for=condition=Available', 'deployment/web', '--timeout=60s', ...n],
  },
  {
    id: 'wait --for=jsonpath',
    args: ['wait', '--for=jsonpath={.status.readyReplicas}=3', 'deployment/web', '--timeout=60s', ...n],
  },
  {
    id: 'apply -f (client-side)',
    args: ['apply', '-f', '-'],
    stdin: SERVICE_YAML,
    fallback: { args: ['apply', '--validate=false', '-f', '-'], stdin: SERVICE_YAML },
  },
  { id: 'get service', args: ['get', 'service', 'web', ...n] },
  {
    id: 'apply --server-side',
    args: ['apply', '--server-side', '-f', '-'],
    stdin: SETTINGS_YAML('fast'),
    fallback: {
      args: ['apply', '--server-side', '--validate=false', '-f', '-'],
      stdin: SETTINGS_YAML('fast'),
    },
  },
  {
    id: 'diff',
    args: ['diff', '-f', '-'],
    stdin: SETTINGS_YAML('slow'),
    project: diffLines,
  },
  {
    id: 'edit (EDITOR)',
    args: ['edit', 'configmap', 'settings', ...n],
    editor: true,
    fallback: { args: ['edit', '--validate=false', 'configmap', 'settings', ...n] },
  },
  { id: 'get edited value', args: ['get', 'configmap', 'settings', '-o', 'jsonpath={.data.mode}', ...n] },
  {
    id: 'describe configmap',
    args: ['describe', 'configmap', 'cfg', ...n],
    // kubectl 1.32 prints the data keys in Go's random map order.
    project: exitAnd(sortedLines),
  },
  {
    id: 'describe deployment',
    args: ['describe', 'deployment', 'web', ...n],
    project: exitAnd(describeKeys),
  },
  { id: 'events --for', args: ['events', '--for', 'deployment/web', ...n], project: eventReasons },
  {
    id: 'get events --field-selector',
    args: ['get', 'events', '--field-selector', 'involvedObject.kind=Deployment', ...n],
    project: eventReasons,
  },
  {
    id: 'create -f (multi-document)',
    args: ['create', '-f', '-', '--validate=false'],
    stdin: PRINTING_YAML,
    project: exitAnd(sortedLines),
  },
  ...PRINTED_KINDS.map(
    (kind): Step => ({ id: `get ${kind} -o wide`, args: ['get', kind, '-o', 'wide', ...n] }),
  ),
  { id: 'create CRD', args: ['create', '-f', '-', '--validate=false'], stdin: CRD_YAML },
  {
    id: 'wait CRD Established',
    args: ['wait', '--for=condition=Established', 'crd/widgets.example.com', '--timeout=60s'],
  },
  {
    id: 'create custom resource',
    args: ['create', '-f', '-', '--validate=false'],
    stdin: WIDGET_YAML,
  },
  { id: 'get custom resource (printer columns)', args: ['get', 'widgets', ...n] },
  { id: 'get custom resource -o wide (short name)', args: ['get', 'wg', '-o', 'wide', ...n] },
  { id: 'get crd', args: ['get', 'crd', 'widgets.example.com'] },
  ...RAW_TABLES,
  {
    id: 'get -w',
    args: ['get', 'configmap', 'cfg', '--watch', ...n],
    stopWhen: /\ncfg .*\n/,
  },
  {
    id: 'logs',
    args: ['logs', 'deployment/web', ...n],
    simulatorOnly: {
      expect: 'exit=0\nstarting container nginx (image nginx:1.25)\ncontainer nginx is ready',
      why: 'the real kube-apiserver harness runs no kubelet',
    },
    project: (r) => `exit=${r.code}\n${normalizeText(r.stdout).split('\n').slice(0, 2).join('\n')}`,
  },
  {
    id: 'logs -f',
    args: ['logs', '-f', 'deployment/web', ...n],
    stopWhen: /container nginx is ready\n/,
    simulatorOnly: { expect: 'exit=0\nfollowed', why: 'the real kube-apiserver harness runs no kubelet' },
    project: (r) => `exit=${r.code}\n${/container nginx is ready/.test(r.stdout) ? 'followed' : r.stdout}`,
  },
  {
    id: 'exec',
    args: ['exec', 'deployment/web', ...n, '--', 'echo', 'hello', 'kubectl'],
    simulatorOnly: {
      expect: 'exit=0\nhello kubectl',
      why: 'the real kube-apiserver harness runs no kubelet',
    },
  },
  {
    id: 'exec (exit code)',
    args: ['exec', 'deployment/web', ...n, '--', 'sh', '-c', 'echo $MODE; exit 3'],
    simulatorOnly: {
      expect: 'exit=3\non\ncommand terminated with exit code 3',
      why: 'the real kube-apiserver harness runs no kubelet',
    },
  },
  {
    id: 'exec -i (stdin)',
    args: ['exec', '-i', 'deployment/web', ...n, '--', 'cat'],
    stdin: 'through stdin\n',
    simulatorOnly: {
      expect: 'exit=0\nthrough stdin',
      why: 'the real kube-apiserver harness runs no kubelet',
    },
  },
  {
    id: 'attach -i',
    args: ['attach', '-i', 'deployment/web', ...n],
    stdin: 'to the main process\n',
    simulatorOnly: {
      expect: 'exit=0\nto the main process',
      why: 'the real kube-apiserver harness runs no kubelet',
    },
  },
  {
    id: 'explain',
    args: ['explain', 'deployment.spec.replicas'],
    project: exitAnd((s) => s.split('\n')[0] ?? ''),
  },
  { id: 'auth can-i', args: ['auth', 'can-i', 'create', 'deployments', ...n] },
  { id: 'api-resources', args: ['api-resources', '--api-group=batch'] },
  { id: 'delete --wait', args: ['delete', 'configmap', 'cfg', '--wait=true', ...n] },
  { id: 'get deleted', args: ['get', 'configmap', 'cfg', ...n] },
  { id: 'delete deployment', args: ['delete', 'deployment', 'web', '--wait=true', '--timeout=60s', ...n] },
  { id: 'delete crd', args: ['delete', 'crd', 'widgets.example.com', '--wait=true', '--timeout=60s'] },
  { id: 'delete namespace', args: ['delete', 'namespace', NS, '--wait=true', '--timeout=60s'] },
  { id: 'get deleted namespace', args: ['get', 'namespace', NS] },
];

/**
 * Steps that need protobuf bodies or OpenAPI documents on the simulator (typed clients send protobuf:
 * `create namespace|configmap|secret|deployment`, `auth can-i`; client-side validation, diff, edit and explain
 * read /openapi/v2 or v3). Until those land, simulator worlds run a step's fallback, or skip a step without one.
 * Flip at merge: empty this list.
 */
export const needsProtobufOrOpenapi = new Set<string>([
  'create namespace',
  'create configmap --from-literal',
  'create secret generic',
  'create deployment',
  'apply -f (client-side)',
  'apply --server-side',
  'diff',
  'edit (EDITOR)',
  'explain',
  'auth can-i',
]);
