import { acceptedResourceNames } from '../real/kcp-workload.js';
import type { KcpWorld } from '../real/kcp-world.js';

// What kcp itself holds about the world's SyncTarget: the syncer's APIResourceImports, the resources kcp accepts,
// and which namespaces it schedules there. The restart scenario reads these to wait for kcp's own round trip.

interface Listed {
  items?: Array<{ metadata: { name: string } }>;
}

/** The names of the APIResourceImports in the world's workspace. */
export async function importNames(world: KcpWorld): Promise<string[]> {
  const list = await world.up('GET', '/apis/apiresource.kcp.io/v1alpha1/apiresourceimports');
  if (list.status !== 200) throw new Error(`list apiresourceimports: HTTP ${list.status}`);
  return ((list.body as Listed).items ?? []).map((item) => item.metadata.name);
}

/** The resources (`deployments.apps`, `services`) the world's SyncTarget lists as Accepted. */
export async function acceptedResources(world: KcpWorld): Promise<string[]> {
  const st = await world.up(
    'GET',
    `/apis/workload.kcp.io/v1alpha1/synctargets/${world.generated.syncTargetName}`,
  );
  return acceptedResourceNames(st.body);
}

/**
 * Whether kcp places each upstream namespace on the world's SyncTarget: `placed` asks for the state label `Sync`
 * with no deletion annotation, `!placed` for the deletion annotation or no state label.
 */
export async function namespacesPlaced(
  world: KcpWorld,
  namespaces: readonly string[],
  placed: boolean,
): Promise<boolean> {
  for (const namespace of namespaces) {
    const ns = await world.up('GET', `/api/v1/namespaces/${namespace}`);
    const { labels = {}, annotations = {} } =
      (
        ns.body as {
          metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> };
        }
      ).metadata ?? {};
    const scheduled =
      labels[`state.workload.kcp.io/${world.syncTargetKey}`] === 'Sync' &&
      annotations[`deletion.internal.workload.kcp.io/${world.syncTargetKey}`] === undefined;
    if (scheduled !== placed) return false;
  }
  return true;
}
