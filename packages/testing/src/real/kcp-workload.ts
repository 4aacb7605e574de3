import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { parseAllDocuments } from 'yaml';
import { groupResourceString } from '../api/status.js';
import type { RealKcp, RealKcpWorkspace } from './kcp.js';
import type { RealKubeApiserver } from './kube-apiserver.js';
import { realRequest } from './plain-upstream.js';
import { waitFor } from './process.js';

const run = promisify(execFile);

/** A Kubernetes object as `kubectl kcp workload sync` generates it. */
export interface ManifestObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace?: string };
  readonly [field: string]: unknown;
}

export interface WorkloadSyncOptions {
  /** Resources the syncer imports (`--resources`). Default deployments.apps and services. */
  readonly resources?: readonly string[];
  /** `--syncer-image`; only the Deployment uses it, and the suites run the syncers as processes. */
  readonly syncerImage?: string;
  /**
   * `--apiexports`. Default empty: a kube >= 1.27 downstream is Incompatible with root:compute's 1.24 schemas, so
   * kcp builds a local `kubernetes` export from the schemas the syncer imports (reference/real-kcp, step 3).
   */
  readonly apiExports?: string;
  /** More `kubectl kcp workload sync` flags, e.g. `--downstream-namespace-clean-delay=5s`. */
  readonly args?: readonly string[];
}

/** What `kubectl kcp workload sync` generated, split the way the suites use it. */
export interface GeneratedSyncer {
  readonly syncTargetName: string;
  readonly syncTargetUid: string;
  /** The logical cluster of the SyncTarget (`--from-cluster`). */
  readonly syncTargetCluster: string;
  /** The syncer's downstream namespace (`kcp-syncer-<name>-<hash>`), the Deployment's `NAMESPACE`. */
  readonly syncerNamespace: string;
  /** The syncer's upstream kubeconfig (its ServiceAccount token, kcp's base URL), written to a file. */
  readonly upstreamKubeconfigPath: string;
  /** The Deployment's arguments without `--from-kubeconfig`, which each run points at its own file. */
  readonly args: readonly string[];
  /** Every downstream object but the Deployment (no kubelet runs the syncer downstream here). */
  readonly downstreamObjects: readonly ManifestObject[];
  readonly deployment: ManifestObject;
}

/** Runs the kubectl-kcp plugin (`kubectl kcp ...` without kubectl) against a workspace. */
export async function kubectlKcp(
  kcp: RealKcp,
  workspace: RealKcpWorkspace,
  args: readonly string[],
): Promise<string> {
  try {
    const { stdout } = await run(kcp.binaries.kubectlKcp, [...args], {
      env: { ...process.env, KUBECONFIG: workspace.kubeconfigPath },
      timeout: 120_000,
      maxBuffer: 16 * 1024 * 1024,
    });
    return stdout;
  } catch (error) {
    const e = error as { stderr?: string; message: string };
    throw new Error(`kubectl kcp ${args.join(' ')}: ${e.stderr?.trim() || e.message}`);
  }
}

/**
 * `kubectl kcp workload sync <name> -o <file>` in `workspace`: creates the SyncTarget and the syncer's
 * ServiceAccount and RBAC in kcp, and splits the manifest it writes into what each syncer run needs.
 */
export async function workloadSync(
  kcp: RealKcp,
  workspace: RealKcpWorkspace,
  syncTargetName: string,
  options: WorkloadSyncOptions = {},
): Promise<GeneratedSyncer> {
  const manifestPath = join(kcp.dir, `syncer-${syncTargetName}.yaml`);
  await kubectlKcp(kcp, workspace, [
    'workload',
    'sync',
    syncTargetName,
    `--syncer-image=${options.syncerImage ?? 'ghcr.io/kcp-dev/kcp/syncer:v0.11.0'}`,
    `--apiexports=${options.apiExports ?? ''}`,
    `--resources=${(options.resources ?? ['deployments.apps', 'services']).join(',')}`,
    ...(options.args ?? []),
    '-o',
    manifestPath,
  ]);
  const objects = parseAllDocuments(await readFile(manifestPath, 'utf8'))
    .map((doc) => doc.toJS() as ManifestObject | null)
    .filter((o): o is ManifestObject => o !== null);
  const deployment = objects.find((o) => o.kind === 'Deployment');
  const kubeconfig = objects.find(
    (o) => o.kind === 'Secret' && (o.stringData as { kubeconfig?: string } | undefined)?.kubeconfig,
  );
  if (deployment === undefined || kubeconfig === undefined) {
    throw new Error(`${manifestPath}: no syncer Deployment or kubeconfig Secret`);
  }
  const container = (deployment.spec as { template: { spec: { containers: Array<{ args: string[] }> } } })
    .template.spec.containers[0];
  const allArgs = container?.args ?? [];
  const flag = (name: string) => allArgs.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
  const upstreamKubeconfigPath = join(kcp.dir, `syncer-${syncTargetName}.kubeconfig`);
  await writeFile(upstreamKubeconfigPath, (kubeconfig.stringData as { kubeconfig: string }).kubeconfig, {
    mode: 0o600,
  });
  return {
    syncTargetName,
    syncTargetUid: flag('sync-target-uid') ?? '',
    syncTargetCluster: flag('from-cluster') ?? workspace.cluster,
    syncerNamespace: deployment.metadata.namespace ?? '',
    upstreamKubeconfigPath,
    args: allArgs.filter((a) => !a.startsWith('--from-kubeconfig')),
    downstreamObjects: objects.filter((o) => o !== deployment),
    deployment,
  };
}

export interface BindComputeOptions {
  /** `--apiexports`. Default the workspace's own `kubernetes` export. */
  readonly apiExports?: string;
  /** `--location-selectors`: label selectors over the workspace's Locations (kcp's default: every Location). */
  readonly locationSelectors?: readonly string[];
  /** `--name` of the Placement (kcp's default: a hash of the selectors). */
  readonly placementName?: string;
}

/**
 * `kubectl kcp bind compute <workspace>`: a Placement that places the workspace's namespaces on one SyncTarget of
 * one Location the selectors match; it waits for the Placement to be ready, so the Location must exist first.
 */
export async function bindCompute(
  kcp: RealKcp,
  workspace: RealKcpWorkspace,
  options: BindComputeOptions = {},
): Promise<void> {
  const { apiExports = `${workspace.path}:kubernetes`, locationSelectors, placementName } = options;
  await kubectlKcp(kcp, workspace, [
    'bind',
    'compute',
    workspace.path,
    `--apiexports=${apiExports}`,
    ...(locationSelectors ? [`--location-selectors=${locationSelectors.join(',')}`] : []),
    ...(placementName ? [`--name=${placementName}`] : []),
  ]);
}

/** The resources a SyncTarget object lists as Accepted, spelled as `--resources` (`deployments.apps`, `services`). */
export function acceptedResourceNames(syncTarget: unknown): string[] {
  const synced =
    (
      syncTarget as {
        status?: { syncedResources?: Array<{ resource: string; group?: string; state?: string }> };
      }
    ).status?.syncedResources ?? [];
  return synced
    .filter((r) => r.state === 'Accepted')
    .map((r) => groupResourceString({ group: r.group ?? '', resource: r.resource }))
    .sort();
}

/** Polls the SyncTarget until every named resource (`deployments.apps`, `services`) is Accepted. */
export async function waitForSyncedResources(
  kcp: RealKcp,
  workspace: RealKcpWorkspace,
  syncTargetName: string,
  resources: readonly string[],
  timeoutMs = 120_000,
): Promise<void> {
  let last: unknown;
  const done = await waitFor(
    async () => {
      const st = await kcp.request(
        'GET',
        `/clusters/${workspace.path}/apis/workload.kcp.io/v1alpha1/synctargets/${syncTargetName}`,
      );
      last = (st.body as { status?: { syncedResources?: unknown } }).status?.syncedResources;
      const accepted = acceptedResourceNames(st.body);
      return resources.every((resource) => accepted.includes(resource)) ? true : undefined;
    },
    Date.now() + timeoutMs,
    500,
  );
  if (done !== true) {
    throw new Error(
      `SyncTarget ${syncTargetName}: ${resources.join(', ')} not Accepted within ${timeoutMs} ms: ${JSON.stringify(last)}`,
    );
  }
}

/** The REST collection path of a manifest object on a plain Kubernetes server. */
function collectionPath(object: ManifestObject): string {
  const { apiVersion, kind, metadata } = object;
  // The kinds kcp's manifest and the suites create; Endpoints is already plural.
  const lower = kind.toLowerCase();
  const plural = lower.endsWith('s') ? lower : lower.endsWith('y') ? `${lower.slice(0, -1)}ies` : `${lower}s`;
  const prefix = apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
  return metadata.namespace ? `${prefix}/namespaces/${metadata.namespace}/${plural}` : `${prefix}/${plural}`;
}

/** Creates each object on a real server as its admin; objects that already exist are left as they are. */
export async function createObjects(
  server: Pick<RealKubeApiserver, 'url' | 'token' | 'caCertPem'>,
  objects: readonly ManifestObject[],
): Promise<void> {
  for (const object of objects) {
    const answer = await realRequest(server, 'POST', collectionPath(object), object);
    if (answer.status !== 201 && answer.status !== 409) {
      throw new Error(
        `creating ${object.kind} ${object.metadata.name}: HTTP ${answer.status} ${JSON.stringify(answer.body)}`,
      );
    }
  }
}

/**
 * A kube-apiserver bound to 127.0.0.1 publishes no `default/kubernetes` Endpoints, and kcp's syncer reads it for
 * its DNS NetworkPolicy. The address is from TEST-NET-1 (RFC 5737): nothing is ever sent to it.
 */
export const KUBERNETES_ENDPOINTS: ManifestObject = {
  apiVersion: 'v1',
  kind: 'Endpoints',
  metadata: { name: 'kubernetes', namespace: 'default' },
  subsets: [{ addresses: [{ ip: '192.0.2.1' }], ports: [{ name: 'https', port: 6443, protocol: 'TCP' }] }],
};

/**
 * kcp's Go syncer holds Deployments back until its per-workspace DNS Service has a ready endpoint; with no kubelet
 * downstream nothing runs the DNS pod, so this writes the Endpoints a running pod would get. Stops when `signal`
 * aborts.
 */
export async function serveDnsEndpoints(
  downstream: Pick<RealKubeApiserver, 'url' | 'token' | 'caCertPem'>,
  syncerNamespace: string,
  signal: AbortSignal,
): Promise<void> {
  const done = new Set<string>();
  while (!signal.aborted) {
    const services = await realRequest(downstream, 'GET', `/api/v1/namespaces/${syncerNamespace}/services`);
    const items = (services.body as { items?: ManifestObject[] } | undefined)?.items ?? [];
    for (const service of items) {
      const name = service.metadata.name;
      if (!name.startsWith('kcp-dns-') || done.has(name)) continue;
      await createObjects(downstream, [
        {
          apiVersion: 'v1',
          kind: 'Endpoints',
          metadata: { name, namespace: syncerNamespace },
          subsets: [
            {
              addresses: [{ ip: '192.0.2.53' }],
              ports: [
                { name: 'dns', port: 5353, protocol: 'UDP' },
                { name: 'dns-tcp', port: 5353, protocol: 'TCP' },
              ],
            },
          ],
        },
      ]);
      done.add(name);
    }
    await new Promise((resolve) => {
      const timer = setTimeout(resolve, 500);
      signal.addEventListener('abort', () => clearTimeout(timer), { once: true });
    });
  }
}

/** The built agent executable of this checkout (`packages/syncer-agent/dist/cli/bin.js`, what the image runs). */
export function agentCliPath(from = dirname(fileURLToPath(import.meta.url))): string {
  for (let dir = from; dirname(dir) !== dir; dir = dirname(dir)) {
    const candidate = join(dir, 'packages', 'syncer-agent', 'dist', 'cli', 'bin.js');
    if (existsSync(candidate)) return candidate;
  }
  throw new Error(`no packages/syncer-agent/dist/cli/bin.js above ${from}: run pnpm build first`);
}
