import type { KcpWorld } from '../real/kcp-world.js';

/** A Kubernetes object as read back (raw JSON). */
export type DumpedObject = Record<string, unknown> & {
  readonly kind?: string;
  readonly metadata: { readonly name: string; readonly namespace?: string } & Record<string, unknown>;
};

/**
 * The state both syncers are judged on: upstream objects in the workspace, downstream objects in the namespaces
 * the syncers own plus their own namespaces, and the SyncTargets, keyed `up|<ns>|<Kind>|<name>` / `down|...`.
 */
export interface StateDump {
  readonly objects: Readonly<Record<string, DumpedObject>>;
  readonly syncTarget: DumpedObject | undefined;
}

const UPSTREAM_COLLECTIONS = [
  '/apis/apps/v1/namespaces/NS/deployments',
  '/api/v1/namespaces/NS/services',
  '/api/v1/namespaces/NS/configmaps',
  '/api/v1/namespaces/NS/secrets',
];

const DOWNSTREAM_COLLECTIONS = [
  '/apis/apps/v1/namespaces/NS/deployments',
  '/apis/apps/v1/namespaces/NS/replicasets',
  '/api/v1/namespaces/NS/services',
  '/api/v1/namespaces/NS/configmaps',
  '/api/v1/namespaces/NS/secrets',
  '/api/v1/namespaces/NS/serviceaccounts',
  '/apis/rbac.authorization.k8s.io/v1/namespaces/NS/roles',
  '/apis/rbac.authorization.k8s.io/v1/namespaces/NS/rolebindings',
  '/apis/networking.k8s.io/v1/namespaces/NS/networkpolicies',
];

// Cluster-scoped, both sides: persistent volumes go up (upsync) and down.
const CLUSTER_COLLECTIONS = ['/api/v1/persistentvolumes'];

/** Reads the state of `upstreamNamespaces` (and what the syncer made of them) from both servers. */
export async function dumpState(world: KcpWorld, upstreamNamespaces: readonly string[]): Promise<StateDump> {
  const objects: Record<string, DumpedObject> = {};
  const add = (side: 'up' | 'down', kind: string, item: DumpedObject) => {
    objects[`${side}|${item.metadata.namespace ?? ''}|${kind}|${item.metadata.name}`] = { kind, ...item };
  };
  for (const namespace of upstreamNamespaces) {
    const ns = await world.up('GET', `/api/v1/namespaces/${namespace}`);
    if (ns.status === 200) add('up', 'Namespace', ns.body as DumpedObject);
    for (const collection of UPSTREAM_COLLECTIONS) {
      for (const [kind, item] of await list(world.up, collection.replace('NS', namespace)))
        add('up', kind, item);
    }
  }
  const syncerNamespaces = new Set(
    [world.generated, ...world.addedSyncTargets.map((t) => t.generated)].map((g) => g.syncerNamespace),
  );
  const downstreamNamespaces = (await list(world.down, '/api/v1/namespaces')).filter(([, ns]) => {
    const locator = (ns.metadata.annotations as Record<string, string> | undefined)?.[
      'kcp.io/namespace-locator'
    ];
    return locator !== undefined || syncerNamespaces.has(ns.metadata.name);
  });
  for (const [, ns] of downstreamNamespaces) {
    add('down', 'Namespace', ns);
    for (const collection of DOWNSTREAM_COLLECTIONS) {
      for (const [kind, item] of await list(world.down, collection.replace('NS', ns.metadata.name))) {
        add('down', kind, item);
      }
    }
  }
  for (const collection of CLUSTER_COLLECTIONS) {
    for (const [kind, item] of await list(world.up, collection)) add('up', kind, item);
    for (const [kind, item] of await list(world.down, collection)) add('down', kind, item);
  }
  const st = await world.up(
    'GET',
    `/apis/workload.kcp.io/v1alpha1/synctargets/${world.generated.syncTargetName}`,
  );
  // Added SyncTargets are keyed by name: `up||SyncTarget|<name>` (the first stays `up||SyncTarget|`).
  for (const { generated } of world.addedSyncTargets) {
    const added = await world.up(
      'GET',
      `/apis/workload.kcp.io/v1alpha1/synctargets/${generated.syncTargetName}`,
    );
    if (added.status === 200) add('up', 'SyncTarget', added.body as DumpedObject);
  }
  return { objects, syncTarget: st.status === 200 ? (st.body as DumpedObject) : undefined };
}

async function list(
  request: KcpWorld['up'],
  path: string,
): Promise<Array<[kind: string, item: DumpedObject]>> {
  const answer = await request('GET', path);
  if (answer.status === 404) return [];
  if (answer.status !== 200)
    throw new Error(`GET ${path}: HTTP ${answer.status} ${JSON.stringify(answer.body)}`);
  const body = answer.body as { kind: string; items: DumpedObject[] };
  const kind = body.kind.replace(/List$/, '');
  return body.items.map((item) => [kind, item]);
}
