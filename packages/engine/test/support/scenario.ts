import { type KubeObject, parseGvr } from '@kcp-tmc/interfaces';
import { eventually } from '../../src/test-support/wait.js';
import { SYNCED_RESOURCES, TEST_GVRS, workload } from './fixtures.js';
import { type Stack, serverSide, startStack } from './stack.js';

export const MARKER = 'test.kcp.io/marker';
export const NAMESPACES = ['team-a', 'team-b', 'team-c'];

/** A started stack with `perGvr` objects of each test GVR in three namespaces, all synced once. */
export async function syncedStack(perGvr: number, options: Parameters<typeof startStack>[0] = {}) {
  const stack = await startStack({ syncedResources: SYNCED_RESOURCES, ...options });
  for (const name of NAMESPACES) {
    await stack.upstreamClient.create(parseGvr('v1/namespaces'), {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name },
    });
  }
  const objects: Array<{ gvr: string; namespace: string; name: string; key: string }> = [];
  const writes: Promise<unknown>[] = [];
  for (const gvr of TEST_GVRS) {
    for (let i = 0; i < perGvr; i++) {
      const namespace = NAMESPACES[i % NAMESPACES.length] as string;
      const name = `obj-${i}`;
      objects.push({ gvr, namespace, name, key: stack.downKey(gvr, namespace, name) });
      writes.push(
        stack.upstreamClient.create(parseGvr(gvr), workload(gvr, namespace, name, stack.ref.key), {
          namespace,
        }),
      );
    }
  }
  await Promise.all(writes);
  await stack.engine().start();
  await waitForMarker(stack, objects, '0', 0);
  return { stack, objects };
}

/** Rewrites every object's marker annotation in the upstream store itself (no HTTP: works during faults). */
export function bumpAll(
  stack: Stack,
  objects: ReadonlyArray<{ gvr: string; namespace: string; name: string }>,
  marker: string,
): void {
  for (const object of objects) {
    const store = serverSide(stack.upstream, parseGvr(object.gvr));
    const current = store.get(object.namespace, object.name);
    const next: KubeObject = structuredClone(current);
    next.metadata.annotations = { ...next.metadata.annotations, [MARKER]: marker };
    store.update(next);
  }
}

/**
 * Waits until every object had an apply, from call index `since` on, that saw `marker`: each key processed
 * once more after the fault, with the latest object, none lost.
 */
export async function waitForMarker(
  stack: Stack,
  objects: ReadonlyArray<{ key: string }>,
  marker: string,
  since: number,
  timeoutMs = 25_000,
): Promise<void> {
  const missing = (): string[] => {
    const seen = new Set<string>();
    for (const call of stack.syncer.calls.slice(since)) {
      if (call.kind === 'apply' && call.upstream?.metadata.annotations?.[MARKER] === marker)
        seen.add(call.id);
    }
    return objects.map((o) => o.key).filter((key) => !seen.has(key));
  };
  try {
    await eventually(() => missing().length === 0, timeoutMs, 50);
  } catch (err) {
    throw new Error(
      `${missing().length} keys never saw marker ${marker}, e.g. ${missing().slice(0, 3).join(', ')}`,
      {
        cause: err,
      },
    );
  }
}
