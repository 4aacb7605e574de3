import { DEFAULT_CLUSTER_NAME, toSyncTargetKey, workspaceServerBase } from '@kcp-tmc/interfaces';
import { type KubeConfigSource, type KubeSideOptions, loadKubeConfig } from '@kcp-tmc/kube';
import { ConfigError } from '../config/errors.js';
import { type AgentOptions, transportLimits } from '../config/options.js';
import { kcpSyncerRbacHint } from './kcp-rbac.js';

/**
 * The SyncTarget's logical cluster as `--from-cluster` gives it (plain mode: a configured constant). It may
 * be a path; start-up resolves the name from the SyncTarget (see resolveSyncTarget).
 */
export function syncTargetCluster(options: AgentOptions): string {
  return options.fromCluster ?? DEFAULT_CLUSTER_NAME;
}

/** The SyncTarget key when `--from-cluster` is the logical cluster name (kcp keys by the name). */
export function syncTargetKeyOf(options: AgentOptions): string {
  return toSyncTargetKey(syncTargetCluster(options), options.syncTargetName);
}

export function kubeconfigSource(file: string | undefined, context: string | undefined): KubeConfigSource {
  return { ...(file === undefined ? {} : { file }), ...(context === undefined ? {} : { context }) };
}

/**
 * Loads one side's kubeconfig (a missing file or context is a start error naming the flag), refusing client-node's last resort: with no file given, no KUBECONFIG, no
 * ~/.kube/config and no service account token, `loadFromDefault` invents an anonymous cluster at
 * http://localhost:8080, and the agent would go on to fail against whatever listens there. kcp's syncer requires
 * --from-kubeconfig; the agent also takes KUBECONFIG, ~/.kube/config or (downstream) the pod's service account.
 */
export function loadSideKubeconfig(
  flag: '--from-kubeconfig' | '--to-kubeconfig',
  file: string | undefined,
  context: string | undefined,
): ReturnType<typeof loadKubeConfig> {
  let kc: ReturnType<typeof loadKubeConfig>;
  try {
    kc = loadKubeConfig(kubeconfigSource(file, context));
  } catch (err) {
    throw new AgentStartError(
      `cannot load ${flag}${file === undefined ? ' (default)' : ` ${file}`}: ${(err as Error).message}`,
      { cause: err },
    );
  }
  const cluster = kc.clusters[0];
  const fallback =
    file === undefined &&
    (process.env.KUBECONFIG ?? '') === '' &&
    kc.clusters.length === 1 &&
    cluster?.name === 'cluster' &&
    cluster.server === 'http://localhost:8080' &&
    kc.users.length === 1 &&
    kc.users[0]?.name === 'user';
  if (fallback) {
    throw new ConfigError(
      flag,
      'no kubeconfig found (none given, KUBECONFIG unset, no ~/.kube/config, no in-cluster service account)',
    );
  }
  return kc;
}

/**
 * kcp kubeconfigs usually point at a workspace (`https://kcp/clusters/root:org`). The agent addresses logical
 * clusters itself (`/clusters/<name>/...`, `/clusters/*`), so it talks to the server's base URL: the
 * workspace suffix is cut. Returns undefined when the server names no workspace.
 */
export function serverBase(source: KubeConfigSource): string | undefined {
  const server = loadKubeConfig(source).getCurrentCluster()?.server;
  return server === undefined ? undefined : workspaceServerBase(server);
}

/** Upstream side options for the bare server in kcp modes, or the one cluster in plain mode. */
export function upstreamSide(options: AgentOptions, extra: Partial<KubeSideOptions> = {}): KubeSideOptions {
  const kubeconfig = kubeconfigSource(options.fromKubeconfig, options.fromContext);
  const transport = transportLimits(options);
  if (options.upstreamMode === 'plain') {
    return {
      kubeconfig,
      transport,
      informers: { useClusterAnnotation: false, clusterName: syncTargetCluster(options) },
      ...extra,
    };
  }
  const base = serverBase(kubeconfig);
  return {
    kubeconfig,
    transport,
    deniedAccessHint: kcpSyncerRbacHint(options.syncTargetName),
    ...(base === undefined ? {} : { connection: { server: base } }),
    ...extra,
  };
}

/** A failure to start that the CLI prints as one line (exit code 1). */
export class AgentStartError extends Error {
  override readonly name = 'AgentStartError';
}

export function describe(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause = err.cause instanceof Error ? `: ${err.cause.message}` : '';
  return `${err.message}${cause && !err.message.includes(cause.slice(2)) ? cause : ''}`;
}
