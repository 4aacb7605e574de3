import { createHash } from 'node:crypto';
import {
  ALWAYS_SYNCED_RESOURCES,
  type FeatureGates,
  formatFeatureGates,
  type GVR,
  gvrToString,
  type KubeObject,
} from '@kcp-tmc/interfaces';
import { stringify } from 'yaml';

export interface ManifestInput {
  readonly syncTargetName: string;
  readonly syncTargetUid: string;
  readonly fromCluster?: string;
  readonly upstreamMode: string;
  /** The upstream kubeconfig the agent uses, as YAML (stored in a Secret). */
  readonly upstreamKubeconfig: string;
  /** Everything the agent may sync downstream: the SyncTarget's resources, --resources and the built-ins. */
  readonly resources: readonly GVR[];
  readonly featureGates: FeatureGates;
  readonly image: string;
  readonly namespace?: string;
  readonly qps: number;
  readonly burst: number;
}

/** kcp names the syncer's objects `kcp-syncer-<synctarget>-<hash>`: stable per SyncTarget, <= 63 chars. */
/**
 * V8 heap sizes for the container's 512Mi limit. Unbounded, V8 sizes its heap from the host's memory and lets
 * garbage pile up far beyond the live set (10k synced objects: ~90 MiB live, ~500 MiB resident on a 23 GiB
 * host); a 256 MiB old space and 8 MiB semi-spaces keep the same agent near 250 MiB (tools/bench agent-sync).
 * Raise the limit and `--max-old-space-size` together past ~25k synced objects.
 */
export const AGENT_NODE_OPTIONS = '--max-old-space-size=256 --max-semi-space-size=8';

export function syncerName(cluster: string, name: string): string {
  const hash = createHash('sha256').update(`${cluster}:${name}`).digest('hex').slice(0, 8);
  return `kcp-syncer-${name.slice(0, 63 - 'kcp-syncer-'.length - 9).replace(/[.-]+$/, '')}-${hash}`;
}

const WRITE_VERBS = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'];

/**
 * Least privilege for the resources synced: full verbs on those (and their status reads), namespaces the
 * agent creates and cleans up, Events it reads (to copy upstream), its own access reviews. Pod logs and exec
 * only with the Tunnel gate.
 */
export function clusterRoleRules(resources: readonly GVR[], featureGates: FeatureGates): KubeObject[] {
  const byGroup = new Map<string, Set<string>>();
  for (const gvr of [...resources, ...ALWAYS_SYNCED_RESOURCES]) {
    const set = byGroup.get(gvr.group) ?? new Set<string>();
    set.add(gvr.resource);
    byGroup.set(gvr.group, set);
  }
  const rules: Array<Record<string, unknown>> = [...byGroup.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([group, set]) => ({ apiGroups: [group], resources: [...set].sort(), verbs: WRITE_VERBS }));
  rules.push(
    {
      apiGroups: [''],
      resources: ['namespaces'],
      verbs: ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'],
    },
    { apiGroups: [''], resources: ['events'], verbs: ['get', 'list', 'watch'] },
    { apiGroups: ['authorization.k8s.io'], resources: ['selfsubjectaccessreviews'], verbs: ['create'] },
  );
  if (featureGates.Tunnel) {
    rules.push({
      apiGroups: [''],
      resources: ['pods', 'pods/log', 'pods/exec', 'pods/attach', 'pods/portforward'],
      verbs: ['get', 'list', 'create'],
    });
  }
  return rules as unknown as KubeObject[];
}

/** The downstream objects that run the agent, in apply order. */
export function renderManifests(input: ManifestInput): KubeObject[] {
  const name = syncerName(input.fromCluster ?? '', input.syncTargetName);
  const namespace = input.namespace ?? name;
  const labels = {
    'app.kubernetes.io/name': 'kcp-syncer',
    'workload.kcp.io/sync-target': input.syncTargetName,
  };
  const args = [
    'run',
    '--from-kubeconfig=/kcp/kubeconfig',
    ...(input.fromCluster === undefined ? [] : [`--from-cluster=${input.fromCluster}`]),
    `--sync-target-name=${input.syncTargetName}`,
    `--sync-target-uid=${input.syncTargetUid}`,
    `--upstream-mode=${input.upstreamMode}`,
    ...input.resources.map((gvr) => `--resources=${gvrToString(gvr)}`),
    `--qps=${input.qps}`,
    `--burst=${input.burst}`,
    `--feature-gates=${formatFeatureGates(input.featureGates)}`,
    // In a pod, probes come from the kubelet and scrapes from Prometheus: listen on the pod's address.
    '--metrics-bind-address=0.0.0.0:8080',
    '--health-probe-bind-address=0.0.0.0:8081',
  ];
  return [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace, labels } },
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name, namespace, labels } },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name, labels },
      rules: clusterRoleRules(input.resources, input.featureGates),
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name, labels },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name },
      subjects: [{ kind: 'ServiceAccount', name, namespace }],
    },
    {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name, namespace, labels },
      type: 'Opaque',
      stringData: { kubeconfig: input.upstreamKubeconfig },
    },
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name, namespace, labels },
      spec: {
        replicas: 1,
        // Never two agents for one SyncTarget, not even during a rollout.
        strategy: { type: 'Recreate' },
        selector: { matchLabels: { app: name } },
        template: {
          metadata: { labels: { ...labels, app: name } },
          spec: {
            serviceAccountName: name,
            terminationGracePeriodSeconds: 45,
            securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
            containers: [
              {
                name: 'syncer',
                image: input.image,
                args,
                ports: [
                  { name: 'metrics', containerPort: 8080 },
                  { name: 'probes', containerPort: 8081 },
                ],
                livenessProbe: {
                  httpGet: { path: '/livez', port: 'probes' },
                  periodSeconds: 10,
                  failureThreshold: 6,
                },
                readinessProbe: { httpGet: { path: '/readyz', port: 'probes' }, periodSeconds: 5 },
                env: [{ name: 'NODE_OPTIONS', value: AGENT_NODE_OPTIONS }],
                resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '512Mi' } },
                securityContext: {
                  allowPrivilegeEscalation: false,
                  readOnlyRootFilesystem: true,
                  capabilities: { drop: ['ALL'] },
                },
                volumeMounts: [{ name: 'kcp-kubeconfig', mountPath: '/kcp', readOnly: true }],
              },
            ],
            volumes: [{ name: 'kcp-kubeconfig', secret: { secretName: name } }],
          },
        },
      },
    },
  ] as KubeObject[];
}

export function toYaml(objects: readonly KubeObject[]): string {
  return objects.map((o) => `---\n${stringify(o, { lineWidth: 0 })}`).join('');
}
