import {
  CLUSTER_ANNOTATION,
  type KubeClient,
  type KubeObject,
  type SyncTarget,
  syncerId,
} from '@kcp-tmc/interfaces';
import type { AgentOptions } from '../config/options.js';
import type { TunnelProtocol } from '../config/tunnel-flags.js';
import { tokenKubeconfig, type UpstreamServer } from './kubeconfig.js';
import { groupResource } from './rbac.js';
import { renderManifests } from './render.js';
import { resourcesForPermission } from './sync-target.js';
import { applyUpstreamObjects, serviceAccountToken, upstreamObjects } from './upstream.js';

/** create: make the upstream objects; print: only print them (for an admin); existing: an admin made them. */
export type UpstreamObjectsMode = 'create' | 'print' | 'existing';

export interface RenderRequest {
  readonly client: KubeClient;
  readonly mode: UpstreamObjectsMode;
  readonly target: SyncTarget;
  /** The SyncTarget's workspace as the operator named it (path or logical cluster name). */
  readonly workspace: string;
  readonly server: UpstreamServer;
  readonly options: AgentOptions;
  readonly kcpNamespace: string;
  readonly image: string;
  readonly namespace: string | undefined;
  readonly replicas: number;
  readonly featureGatesArg: string | undefined;
  /** `--tunnel` when the operator set it. */
  readonly tunnel?: TunnelProtocol;
  readonly qps: number;
  readonly burst: number;
  readonly log: (line: string) => void;
}

/** Go's time.Duration String() for whole milliseconds: `1m0s`, `30s`, `1h0m0s`, `1.5s`, `0s`. */
export function goDuration(ms: number): string {
  if (ms === 0) return '0s';
  const hours = Math.floor(ms / 3_600_000);
  const minutes = Math.floor((ms % 3_600_000) / 60_000);
  const seconds = `${(ms % 60_000) / 1000}s`;
  if (hours > 0) return `${hours}h${minutes}m${seconds}`;
  if (minutes > 0) return `${minutes}m${seconds}`;
  return seconds;
}

/** The objects to print: the upstream ones (mode print), or the downstream ones once the token is known. */
export async function renderFor(request: RenderRequest): Promise<KubeObject[]> {
  const { client, mode, target, workspace, options, kcpNamespace } = request;
  const name = target.metadata.name ?? '';
  const id = syncerId(name, target.metadata.uid ?? '');
  const up = upstreamObjects({ syncerId: id, syncTarget: target, kcpNamespace }, mode === 'print');
  if (mode === 'print') return up;
  if (mode === 'create') await applyUpstreamObjects(client, up, workspace, request.log);
  const token = await serviceAccountToken(client, id, kcpNamespace, workspace, { create: mode === 'create' });
  const resourcesToSync = options.resourcesToImport ?? [];
  const permission = await resourcesForPermission(client, workspace, name, resourcesToSync);
  return renderManifests({
    syncerId: id,
    syncTarget: {
      name,
      uid: target.metadata.uid ?? '',
      // kcp writes the SyncTarget's logical cluster name (sync.go: logicalcluster.From(syncTarget)).
      cluster: target.metadata.annotations?.[CLUSTER_ANNOTATION] ?? workspace,
    },
    upstreamKubeconfig: tokenKubeconfig(request.server, token, kcpNamespace),
    resourcesToSync,
    resourcesForPermission: permission.map(groupResource),
    featureGates: options.featureGates,
    ...(request.featureGatesArg === undefined ? {} : { featureGatesArg: request.featureGatesArg }),
    image: request.image,
    ...(request.namespace === undefined ? {} : { namespace: request.namespace }),
    replicas: request.replicas,
    ...(request.tunnel === undefined ? {} : { tunnel: request.tunnel }),
    ...(options.tunnelExec === true ? { tunnelExec: true } : {}),
    qps: request.qps,
    burst: request.burst,
    apiImportPollInterval: goDuration(options.apiImportPollIntervalMs ?? 60_000),
    downstreamNamespaceCleanDelay: goDuration(options.downstreamNamespaceCleanDelayMs),
  });
}
