import type { KubeObject } from '../api/types.js';
import type { KubeSimulator } from '../simulator.js';
import { STATE_LABEL_PREFIX } from './workload-names.js';

// Test set-up for what kcp's scheduling and API negotiation leave behind, which the simulator does not run:
// a placed namespace (the Placement scheduler labels it; kcp's resource controller then labels its contents)
// and the resources a SyncTarget accepted (`status.syncedResources`, which its virtual workspace serves).

/** `state.workload.kcp.io/<key>`: the label that places a namespace (and its contents) on a SyncTarget. */
export function kcpStateLabel(syncTargetKey: string): string {
  return `${STATE_LABEL_PREFIX}${syncTargetKey}`;
}

/** A Namespace as plain JSON (a type alias with no optional fields, so it fits any client's object type). */
export type PlacedNamespace = {
  apiVersion: 'v1';
  kind: 'Namespace';
  metadata: { name: string; labels: Record<string, string> };
};

/**
 * A Namespace placed on these SyncTargets, as kcp's Placement scheduling leaves it
 * (`state.workload.kcp.io/<key>: Sync` for each key), with any extra labels.
 */
export function placedNamespace(
  name: string,
  syncTargetKeys: string | readonly string[],
  labels: Record<string, string> = {},
): PlacedNamespace {
  const keys = typeof syncTargetKeys === 'string' ? [syncTargetKeys] : syncTargetKeys;
  const state = Object.fromEntries(keys.map((key) => [kcpStateLabel(key), 'Sync']));
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: { ...labels, ...state } } };
}

export interface SyncedResource {
  group: string;
  resource: string;
  versions: string[];
  state: 'Accepted';
}

/**
 * `status.syncedResources` entries, all Accepted, for resources written `group/version/resource` or
 * `version/resource` for the core group (`apps/v1/deployments`, `v1/services`).
 */
export function acceptedResources(resources: readonly string[]): SyncedResource[] {
  return resources.map((text) => {
    const parts = text.split('/');
    if (parts.length !== 2 && parts.length !== 3) throw new Error(`not group/version/resource: ${text}`);
    const [group, version, resource] = parts.length === 3 ? parts : ['', ...parts];
    return { group: group!, resource: resource!, versions: [version!], state: 'Accepted' };
  });
}

async function send(sim: KubeSimulator, path: string, method: string, body: unknown): Promise<KubeObject> {
  const res = await fetch(`${sim.url}${path}`, {
    method,
    headers: {
      'content-type': method === 'PATCH' ? 'application/merge-patch+json' : 'application/json',
      ...(sim.token === undefined ? {} : { authorization: `Bearer ${sim.token}` }),
    },
    body: JSON.stringify(body),
  });
  const json = (await res.json()) as KubeObject & { message?: string };
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${json.message ?? ''}`);
  return json;
}

/**
 * Creates, in a kcp-mode simulator's logical cluster, a namespace placed on these SyncTargets
 * ({@link placedNamespace}); an existing one gets the state labels added.
 */
export async function placeNamespace(
  sim: KubeSimulator,
  cluster: string,
  name: string,
  syncTargetKeys: string | readonly string[],
): Promise<KubeObject> {
  const namespace = placedNamespace(name, syncTargetKeys);
  const base = `/clusters/${cluster}/api/v1/namespaces`;
  const existing = await fetch(`${sim.url}${base}/${name}`, {
    headers: sim.token === undefined ? {} : { authorization: `Bearer ${sim.token}` },
  });
  if (existing.status === 404) return send(sim, base, 'POST', namespace);
  return send(sim, `${base}/${name}`, 'PATCH', { metadata: { labels: namespace.metadata.labels } });
}

/**
 * Sets a SyncTarget's `status.syncedResources` to these resources, all Accepted ({@link acceptedResources}), as
 * kcp does once the syncer's API imports are compatible; its virtual workspace then serves them.
 */
export async function acceptResources(
  sim: KubeSimulator,
  cluster: string,
  syncTargetName: string,
  resources: readonly string[],
): Promise<KubeObject> {
  const path = `/clusters/${cluster}/apis/workload.kcp.io/v1alpha1/synctargets/${syncTargetName}/status`;
  return send(sim, path, 'PATCH', { status: { syncedResources: acceptedResources(resources) } });
}
