import { NS, SERVICE_YAML, SETTINGS_YAML } from './manifests.js';
import { describeKeys, headerLine, jsonPaths, normalizeText, sortedLines } from './normalize.js';
import { PRINTING_STEPS } from './printing-steps.js';
import { diffLines, eventReasons, exitAnd, lastLine } from './projections.js';
import { RAW_TABLES } from './raw-tables.js';
import type { Step } from './step-types.js';

export { outcome } from './projections.js';
export type { Projection, Step } from './step-types.js';

const n = ['-n', NS];

/**
 * The everyday session, in order: each step leaves the state the next ones read. Every server runs the same
 * steps; outcomes are compared step by step after normalization.
 */
export const STEPS: Step[] = [
  {
    id: 'create namespace',
    args: ['create', 'namespace', NS],
  },
  { id: 'get namespace', args: ['get', 'namespace', NS] },
  {
    id: 'create configmap --from-literal',
    args: ['create', 'configmap', 'cfg', '--from-literal=a=1', '--from-literal=b=2', ...n],
  },
  { id: 'get configmap', args: ['get', 'configmap', 'cfg', ...n] },
  {
    id: 'create secret generic',
    args: ['create', 'secret', 'generic', 'creds', '--from-literal=user=admin', ...n],
  },
  { id: 'get secret', args: ['get', 'secret', 'creds', ...n] },
  {
    id: 'create deployment',
    args: ['create', 'deployment', 'web', '--image=nginx:1.25', '--replicas=2', ...n],
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
  },
  { id: 'get service', args: ['get', 'service', 'web', ...n] },
  {
    id: 'apply --server-side',
    args: ['apply', '--server-side', '-f', '-'],
    stdin: SETTINGS_YAML('fast'),
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
  ...PRINTING_STEPS,
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
