import {
  type KubeClient,
  SYNC_TARGET_GVR,
  type SyncTarget,
  TmcError,
  toSyncTargetKey,
} from '@kcp-tmc/interfaces';
import { type KubeConfigSource, type KubeSideOptions, loadKubeConfig } from '@kcp-tmc/kube';
import { type AgentOptions, transportLimits } from '../config/options.js';

/** The cluster name plain-mode informers key upstream objects under, when `--from-cluster` is not given. */
export const PLAIN_UPSTREAM_CLUSTER = 'default';

/** The SyncTarget's logical cluster as the agent addresses it (plain mode: a configured constant). */
export function syncTargetCluster(options: AgentOptions): string {
  return options.fromCluster ?? PLAIN_UPSTREAM_CLUSTER;
}

export function syncTargetKeyOf(options: AgentOptions): string {
  return toSyncTargetKey(syncTargetCluster(options), options.syncTargetName);
}

export function kubeconfigSource(file: string | undefined, context: string | undefined): KubeConfigSource {
  return { ...(file === undefined ? {} : { file }), ...(context === undefined ? {} : { context }) };
}

/**
 * kcp kubeconfigs usually point at a workspace (`https://kcp/clusters/root:org`). The agent addresses logical
 * clusters itself (`/clusters/<name>/...`, `/clusters/*`), so it talks to the server's base URL: the
 * workspace suffix is cut. Returns undefined when the server names no workspace.
 */
export function serverBase(source: KubeConfigSource): string | undefined {
  const server = loadKubeConfig(source).getCurrentCluster()?.server;
  if (server === undefined) return undefined;
  const match = /^(.*?)\/clusters\/[^/]+\/?$/.exec(server);
  return match?.[1];
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
  return { kubeconfig, transport, ...(base === undefined ? {} : { connection: { server: base } }), ...extra };
}

/** Reads the SyncTarget this agent serves; the error says what to check when it cannot. */
export async function fetchSyncTarget(client: KubeClient, options: AgentOptions): Promise<SyncTarget> {
  const scope = options.upstreamMode === 'plain' ? {} : { cluster: syncTargetCluster(options) };
  const where = options.upstreamMode === 'plain' ? '' : ` in logical cluster "${syncTargetCluster(options)}"`;
  let target: SyncTarget;
  try {
    target = (await client.get(SYNC_TARGET_GVR, { name: options.syncTargetName, ...scope })) as SyncTarget;
  } catch (err) {
    if (err instanceof TmcError && err.type === 'NotFound') {
      throw new AgentStartError(`SyncTarget "${options.syncTargetName}" not found${where}`, { cause: err });
    }
    throw new AgentStartError(
      `cannot read SyncTarget "${options.syncTargetName}"${where} from the upstream: ${describe(err)}`,
      { cause: err },
    );
  }
  const uid = target.metadata.uid;
  if (options.syncTargetUid !== undefined && uid !== options.syncTargetUid) {
    throw new AgentStartError(
      `SyncTarget "${options.syncTargetName}" has uid ${uid ?? '(none)'}, not --sync-target-uid ${options.syncTargetUid} (it was re-created: regenerate the manifests)`,
    );
  }
  return target;
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
