import { type KubeObject, parseGvr } from '@kcp-tmc/interfaces';
import { placedNamespace } from '@kcp-tmc/testing';
import { SYNCED_RESOURCES, TEST_GVRS, workload } from './fixtures.js';
import { MARKER, waitForMarker } from './markers.js';
import { type Stack, type StackOptions, serverSide, startStack } from './stack.js';

export const NAMESPACES = ['team-a', 'team-b', 'team-c'];

export interface Placed {
  readonly gvr: string;
  /** Logical cluster as the simulator names it ('' in plain mode). */
  readonly cluster: string;
  readonly namespace: string;
  readonly name: string;
  readonly key: string;
}

/**
 * Creates `perGvr` objects of each test GVR, spread over the stack's logical clusters and three namespaces,
 * named so the same names recur in every cluster. Over HTTP, like any client.
 */
export async function createWorkloads(stack: Stack, perGvr: number): Promise<Placed[]> {
  const namespaces = parseGvr('v1/namespaces');
  for (const cluster of stack.clusters) {
    for (const name of NAMESPACES) {
      // kcp: placed on the SyncTarget, as its Placement scheduling leaves a namespace; its resource controller
      // strips a state label from objects in a namespace without it (pkg/reconciler/workload/resource).
      await stack.upstreamClient.create(
        namespaces,
        cluster === ''
          ? { apiVersion: 'v1', kind: 'Namespace', metadata: { name } }
          : placedNamespace(name, stack.ref.key),
        cluster === '' ? {} : { cluster },
      );
    }
  }
  const placed: Placed[] = [];
  const writes: Promise<unknown>[] = [];
  for (const gvr of TEST_GVRS) {
    for (let i = 0; i < perGvr; i++) {
      const cluster = stack.clusters[i % stack.clusters.length] as string;
      const slot = Math.floor(i / stack.clusters.length);
      const namespace = NAMESPACES[slot % NAMESPACES.length] as string;
      const name = `obj-${slot}`;
      placed.push({ gvr, cluster, namespace, name, key: stack.downKey(gvr, namespace, name, cluster) });
      writes.push(
        stack.upstreamClient.create(parseGvr(gvr), workload(gvr, namespace, name, stack.ref.key), {
          namespace,
          ...(cluster === '' ? {} : { cluster }),
        }),
      );
    }
  }
  await Promise.all(writes);
  return placed;
}

/** A started stack whose `perGvr` objects of each test GVR were all synced once. */
export async function syncedStack(perGvr: number, options: StackOptions = {}) {
  const stack = await startStack({ syncedResources: SYNCED_RESOURCES, ...options });
  const objects = await createWorkloads(stack, perGvr);
  await stack.engine().start();
  await waitForMarker(stack, objects, '0', 0);
  return { stack, objects };
}

/** Rewrites every object's marker annotation in the upstream store itself (no HTTP: works during faults). */
export function bumpAll(stack: Stack, objects: readonly Placed[], marker: string): void {
  for (const object of objects) {
    const store = serverSide(stack.upstream, parseGvr(object.gvr), object.cluster);
    const next: KubeObject = structuredClone(store.get(object.namespace, object.name));
    next.metadata.annotations = { ...next.metadata.annotations, [MARKER]: marker };
    store.update(next);
  }
}

/**
 * The queue keys of what kcp itself makes in each placed namespace of each workload cluster: the
 * `kube-root-ca.crt` ConfigMap and the `default` ServiceAccount's token Secret. kcp places them with their
 * namespace, so a syncer syncs them too (ground-truth/go-syncer/upstream-demo.json: both carry the state label).
 * Undefined until every one exists.
 */
export function kcpMadeKeys(stack: Stack): string[] | undefined {
  const keys: string[] = [];
  for (const cluster of stack.clusters) {
    for (const namespace of NAMESPACES) {
      const ca = stack.upstream.store.get(cluster, '/configmaps', namespace, 'kube-root-ca.crt');
      const token = [...stack.upstream.store.list(cluster, '/secrets', namespace)]
        .map(({ object }) => object)
        .find((s) => s.metadata.annotations?.['kubernetes.io/service-account.name'] === 'default');
      if (ca === undefined || token === undefined) return undefined;
      keys.push(
        stack.downKey('v1/configmaps', namespace, 'kube-root-ca.crt', cluster),
        stack.downKey('v1/secrets', namespace, token.metadata.name as string, cluster),
      );
    }
  }
  return keys;
}
