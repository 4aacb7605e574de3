import type { FeatureGates, KubeObject, SyncTargetRef } from '@kcp-tmc/interfaces';
import { stringify } from 'yaml';
import type { TunnelProtocol } from '../config/tunnel-flags.js';
import { downstreamClusterRoleRules, type GroupResource, LEADER_ELECTION_RULES } from './rbac.js';

export interface ManifestInput {
  /** kcp's syncer id, `kcp-syncer-<name>-<hash of the SyncTarget uid>`: the name of every object. */
  readonly syncerId: string;
  /** `--sync-target-name`, `--sync-target-uid` and `--from-cluster` (the SyncTarget's logical cluster). */
  readonly syncTarget: Pick<SyncTargetRef, 'cluster' | 'name' | 'uid'>;
  /** The upstream kubeconfig of the dedicated ServiceAccount, as YAML (stored in a Secret). */
  readonly upstreamKubeconfig: string;
  /** `--resources` as given (kcp's `resource.group`), passed on to the agent. */
  readonly resourcesToSync: readonly string[];
  /** Everything the downstream ClusterRole grants the sync verbs on (kcp's resources for permission). */
  readonly resourcesForPermission: readonly GroupResource[];
  readonly featureGates: FeatureGates;
  /** The agent's own `--feature-gates` argument, when the operator set one. */
  readonly featureGatesArg?: string;
  readonly image: string;
  /** Downstream namespace (default: the syncer id, as kcp). */
  readonly namespace?: string;
  /** More than one runs with `--leader-elect` and a Role for its Lease. */
  readonly replicas: number;
  /** `--tunnel`: which reverse tunnel the agent dials, when the operator chose one. */
  readonly tunnel?: TunnelProtocol;
  /** `--tunnel-exec`: exec, attach and port-forward through the tunnel (with the Tunnel gate). */
  readonly tunnelExec?: boolean;
  readonly qps: number;
  readonly burst: number;
  readonly apiImportPollInterval: string;
  readonly downstreamNamespaceCleanDelay: string;
}

/**
 * V8 heap sizes for the container's 512Mi limit. Unbounded, V8 sizes its heap from the host's memory and lets
 * garbage pile up far beyond the live set (10k synced objects: ~90 MiB live, ~500 MiB resident on a 23 GiB
 * host). A 256 MiB old space holds up to ~25k synced objects (raise it with the limit past that). Semi-spaces
 * (the young generation) measured with tools/bench agent-sync at 10k objects (agent RSS; initial sync time
 * against raw creates, same run): 8 MiB 214 MiB / 4.2x, 4 MiB 201 MiB / 2.3x, 2 MiB 201 MiB / 5.1x, 1 MiB
 * 199 MiB / 8.1x: 4 MiB costs no throughput and saves ~13 MiB at 10k objects and ~8 MiB idle. Figures:
 * tools/bench/results/v8-heap-sweep.json. (`--optimize-for-size`, which NODE_OPTIONS refuses, the executable sets
 * itself: cli/v8-defaults.ts.)
 */
export const AGENT_NODE_OPTIONS = '--max-old-space-size=256 --max-semi-space-size=4';

/** The image's non-root user and group (distroless' `nonroot`); explicit so `runAsNonRoot` can be verified. */
export const AGENT_USER_ID = 65532;

/**
 * The downstream objects `kubectl kcp workload sync` generates, in its order and with its names, for our
 * agent: Namespace, ServiceAccount (and its token Secret), ClusterRole and binding, the Secret with the
 * upstream kubeconfig, the Deployment. kcp's DNS Role is left out: the agent runs without `--dns-image`.
 */
export function renderManifests(input: ManifestInput): KubeObject[] {
  const id = input.syncerId;
  const namespace = input.namespace ?? id;
  const args = [
    'run',
    '--from-kubeconfig=/kcp/kubeconfig',
    `--sync-target-name=${input.syncTarget.name}`,
    `--sync-target-uid=${input.syncTarget.uid}`,
    `--from-cluster=${input.syncTarget.cluster}`,
    `--api-import-poll-interval=${input.apiImportPollInterval}`,
    `--downstream-namespace-clean-delay=${input.downstreamNamespaceCleanDelay}`,
    ...input.resourcesToSync.map((name) => `--resources=${name}`),
    `--qps=${input.qps}`,
    `--burst=${input.burst}`,
    ...(input.featureGatesArg === undefined ? [] : [`--feature-gates=${input.featureGatesArg}`]),
    ...(input.tunnel === undefined ? [] : [`--tunnel=${input.tunnel}`]),
    ...(input.tunnelExec === true ? ['--tunnel-exec'] : []),
    // Replicas elect a leader on a Lease in their own namespace (NAMESPACE); only the leader writes.
    ...(input.replicas > 1 ? ['--leader-elect'] : []),
    // In a pod, probes come from the kubelet and scrapes from Prometheus: listen on the pod's address.
    '--metrics-bind-address=0.0.0.0:8080',
    '--health-probe-bind-address=0.0.0.0:8081',
  ];
  const rbac = 'rbac.authorization.k8s.io';
  return [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } },
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: id, namespace } },
    {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: {
        name: `${id}-token`,
        namespace,
        annotations: { 'kubernetes.io/service-account.name': id },
      },
      type: 'kubernetes.io/service-account-token',
    },
    {
      apiVersion: `${rbac}/v1`,
      kind: 'ClusterRole',
      metadata: { name: id },
      rules: downstreamClusterRoleRules(input.resourcesForPermission, input.featureGates, input.tunnelExec),
    },
    {
      apiVersion: `${rbac}/v1`,
      kind: 'ClusterRoleBinding',
      metadata: { name: id },
      roleRef: { apiGroup: rbac, kind: 'ClusterRole', name: id },
      subjects: [{ kind: 'ServiceAccount', name: id, namespace }],
    },
    ...(input.replicas > 1 ? leaderElectionRbac(id, namespace) : []),
    {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: id, namespace },
      stringData: { kubeconfig: input.upstreamKubeconfig },
    },
    deployment(input, id, namespace, args),
  ] as KubeObject[];
}

/** A Role and RoleBinding for the replicas' Lease, in their namespace only. */
function leaderElectionRbac(id: string, namespace: string): KubeObject[] {
  const rbac = 'rbac.authorization.k8s.io';
  const name = `${id}-leader-election`;
  return [
    {
      apiVersion: `${rbac}/v1`,
      kind: 'Role',
      metadata: { name, namespace },
      rules: [...LEADER_ELECTION_RULES],
    },
    {
      apiVersion: `${rbac}/v1`,
      kind: 'RoleBinding',
      metadata: { name, namespace },
      roleRef: { apiGroup: rbac, kind: 'Role', name },
      subjects: [{ kind: 'ServiceAccount', name: id, namespace }],
    },
  ];
}

function deployment(input: ManifestInput, id: string, namespace: string, args: string[]): KubeObject {
  const user = { runAsNonRoot: true, runAsUser: AGENT_USER_ID, runAsGroup: AGENT_USER_ID };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: id, namespace },
    spec: {
      replicas: input.replicas,
      // One replica: never two agents at once, not even during a rollout. Several: they elect a leader, so a
      // rollout replaces one standby or leader at a time.
      strategy:
        input.replicas > 1
          ? { type: 'RollingUpdate', rollingUpdate: { maxSurge: 0, maxUnavailable: 1 } }
          : { type: 'Recreate' },
      selector: { matchLabels: { app: id } },
      template: {
        metadata: { labels: { app: id } },
        spec: {
          serviceAccountName: id,
          terminationGracePeriodSeconds: 45,
          securityContext: { ...user, seccompProfile: { type: 'RuntimeDefault' } },
          containers: [
            {
              name: 'kcp-syncer',
              image: input.image,
              imagePullPolicy: 'IfNotPresent',
              terminationMessagePolicy: 'FallbackToLogsOnError',
              args,
              env: [
                { name: 'NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
                { name: 'NODE_OPTIONS', value: AGENT_NODE_OPTIONS },
              ],
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
              resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '512Mi' } },
              securityContext: {
                ...user,
                allowPrivilegeEscalation: false,
                readOnlyRootFilesystem: true,
                capabilities: { drop: ['ALL'] },
              },
              volumeMounts: [{ name: 'kcp-config', mountPath: '/kcp/', readOnly: true }],
            },
          ],
          volumes: [{ name: 'kcp-config', secret: { secretName: id, optional: false } }],
        },
      },
    },
  };
}

/** YAML documents, each `---`-led; never anchors or aliases (objects that share a value repeat it). */
export function toYaml(objects: readonly KubeObject[]): string {
  return objects.map((o) => `---\n${stringify(o, { lineWidth: 0, aliasDuplicateObjects: false })}`).join('');
}

/** JSON as `kubectl get -o json` prints several objects: one v1 List. */
export function toJson(objects: readonly KubeObject[]): string {
  return `${JSON.stringify({ apiVersion: 'v1', kind: 'List', items: objects }, null, 2)}\n`;
}
