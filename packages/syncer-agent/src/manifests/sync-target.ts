import {
  type KubeClient,
  SYNC_TARGET_GVR,
  type SyncTarget,
  TmcError,
  TmcErrorType,
} from '@kcp-tmc/interfaces';
import { AgentStartError, describe } from '../agent/upstream-access.js';

export interface SyncTargetSpec {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  /** `<workspace path>:<export name>` each. */
  readonly apiExports: readonly string[];
  /** `--resources` were given: the workspace-local `kubernetes` export is added (kcp does). */
  readonly withResources: boolean;
  readonly log: (line: string) => void;
}

interface ExportReference {
  export: string;
  path?: string;
}

function exportReferences(spec: SyncTargetSpec): ExportReference[] {
  const refs: ExportReference[] = spec.apiExports.map((text) => {
    const at = text.lastIndexOf(':');
    return at < 0 ? { export: text } : { export: text.slice(at + 1), path: text.slice(0, at) };
  });
  if (spec.withResources && !spec.apiExports.includes('kubernetes')) refs.push({ export: 'kubernetes' });
  return refs;
}

/**
 * kcp's plugin (sync.go, applySyncTarget): creates the SyncTarget with the labels and supported APIExports, or
 * brings an existing one's exports to those given and sets the given labels, with a merge patch.
 */
export async function applySyncTarget(
  client: KubeClient,
  workspace: string,
  spec: SyncTargetSpec,
): Promise<SyncTarget> {
  const scope = { cluster: workspace };
  const supportedAPIExports = exportReferences(spec);
  let live: SyncTarget;
  try {
    live = (await client.get(SYNC_TARGET_GVR, { ...scope, name: spec.name })) as SyncTarget;
  } catch (err) {
    if (!(err instanceof TmcError && err.type === TmcErrorType.NotFound)) {
      throw new AgentStartError(`cannot read SyncTarget "${spec.name}" upstream: ${describe(err)}`);
    }
    spec.log(`Creating synctarget "${spec.name}"\n`);
    return (await client.create(
      SYNC_TARGET_GVR,
      {
        apiVersion: 'workload.kcp.io/v1alpha1',
        kind: 'SyncTarget',
        metadata: { name: spec.name, labels: { ...spec.labels } },
        spec: { supportedAPIExports },
      },
      scope,
    )) as SyncTarget;
  }
  const labels = live.metadata.labels ?? {};
  // Only the given labels are set: kcp labels the SyncTarget itself (its key), which must stay.
  const sameLabels = Object.entries(spec.labels).every(([k, v]) => labels[k] === v);
  const liveExports = (live.spec as { supportedAPIExports?: unknown } | undefined)?.supportedAPIExports ?? [];
  if (sameLabels && JSON.stringify(liveExports) === JSON.stringify(supportedAPIExports)) return live;
  spec.log(`Updating synctarget "${spec.name}"\n`);
  return (await client.patch(SYNC_TARGET_GVR, { ...scope, name: spec.name }, 'merge', {
    metadata: { uid: live.metadata.uid, labels: { ...spec.labels } },
    spec: { supportedAPIExports },
  })) as SyncTarget;
}

/** The SyncTarget, which must exist (modes that create nothing upstream). */
export async function readSyncTarget(
  client: KubeClient,
  workspace: string,
  name: string,
): Promise<SyncTarget> {
  try {
    return (await client.get(SYNC_TARGET_GVR, { cluster: workspace, name })) as SyncTarget;
  } catch (err) {
    if (err instanceof TmcError && err.type === TmcErrorType.NotFound) {
      throw new AgentStartError(
        `SyncTarget "${name}" not found in ${workspace} (--upstream-objects=create creates it, or an admin does)`,
      );
    }
    throw new AgentStartError(`cannot read SyncTarget "${name}" upstream: ${describe(err)}`);
  }
}

/**
 * What the downstream ClusterRole must cover (kcp's getResourcesForPermission): `--resources`, configmaps and
 * secrets, and the SyncTarget's synced resources, waited for (up to 30 s) unless the SyncTarget supports only
 * its workspace's local `kubernetes` export, whose resources come from `--resources` once the agent runs.
 */
export async function resourcesForPermission(
  client: KubeClient,
  workspace: string,
  name: string,
  resources: readonly string[],
  timeoutMs = 30_000,
): Promise<string[]> {
  const names = new Set([...resources, 'secrets', 'configmaps']);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const target = await readSyncTarget(client, workspace, name);
    const exports = ((target.spec as { supportedAPIExports?: ExportReference[] } | undefined)
      ?.supportedAPIExports ?? []) as ExportReference[];
    const cluster = target.metadata.annotations?.['kcp.io/cluster'];
    const onlyLocal =
      exports.length === 1 &&
      exports[0]?.export === 'kubernetes' &&
      (!exports[0].path || exports[0].path === cluster);
    const synced = target.status?.syncedResources ?? [];
    if (onlyLocal || exports.length === 0 || synced.length > 0) {
      for (const r of synced) names.add(r.group ? `${r.resource}.${r.group}` : r.resource);
      return [...names].sort();
    }
    if (Date.now() >= deadline) {
      throw new AgentStartError(
        `SyncTarget "${name}" lists no synced resources after ${timeoutMs / 1000}s: is an APIExport it supports missing?`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
