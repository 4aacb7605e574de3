import { type KubeClient, type KubeObject, parseGvr } from '@kcp-tmc/interfaces';
import { expect } from 'vitest';
import { workload } from './fixtures.js';
import type { RecordingDownstreamSyncer } from './recording-syncer.js';
import { getOrUndefined } from './stack.js';
import { eventually } from './wait.js';

// Cases the simulator and the real-server spec-path suites share: the second half of each, after the suite's
// own set-up.

const CONFIGMAPS = parseGvr('v1/configmaps');

/**
 * The second half of the relabel case, shared by the simulator and real-server spec-path suites: `current` (the
 * upstream ConfigMap `relabel`, created with the label team=a and synced) loses that label and gets a new value
 * through `update`; waits until `downstream` shows both, then expects every apply of it to have succeeded
 * without a conflict.
 */
export async function relabelAndExpectClean(
  current: KubeObject,
  update: (object: KubeObject) => Promise<unknown>,
  downstream: () => Promise<KubeObject | undefined>,
  syncer: RecordingDownstreamSyncer,
): Promise<void> {
  const { team: _dropped, ...labels } = current.metadata.labels ?? {};
  current.metadata.labels = labels;
  current.data = { key: 'changed' };
  await update(current);
  await eventually(
    async () => {
      const down = await downstream();
      return (
        (down?.data as { key?: string } | undefined)?.key === 'changed' &&
        down?.metadata.labels?.team === undefined
      );
    },
    20_000,
    'value changed and label gone downstream',
  );
  const results = syncer.applied.filter((x) => x.request.item.key.name === 'relabel').map((x) => x.result);
  expect(results.flatMap((r) => r.conflicts)).toEqual([]);
  expect(results.every((r) => r.success)).toBe(true);
}

/** What the unowned-object case needs of a suite's stack. */
export interface UnownedCase {
  readonly downstream: KubeClient;
  /** The downstream namespace of `upstreamNamespace`, where the other party's ConfigMap `shared` goes. */
  readonly namespace: string;
  readonly upstreamNamespace: string;
  readonly syncTargetKey: string;
  /** Creates `object` upstream (in upstreamNamespace, of the suite's cluster). */
  createUpstream(object: KubeObject): Promise<unknown>;
  /** The Events upstream in upstreamNamespace. */
  upstreamEvents(): Promise<readonly KubeObject[]>;
  readonly syncer: RecordingDownstreamSyncer;
}

/**
 * The unowned-object case of the simulator and real-server spec-path suites: someone else's ConfigMap `shared`
 * downstream, then one of the same name upstream; the agent reports a ResourceConflict Event upstream, leaves
 * the other party's object as it was, and records an ownership conflict.
 */
export async function expectUnownedLeftAlone(c: UnownedCase): Promise<void> {
  const theirs = await c.downstream.create(
    CONFIGMAPS,
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'shared', namespace: c.namespace },
      data: { owner: 'someone-else' },
    },
    { namespace: c.namespace },
  );
  await c.createUpstream(workload('ConfigMap', c.upstreamNamespace, 'shared', c.syncTargetKey));
  await eventually(
    async () =>
      (await c.upstreamEvents()).some(
        (e) => e.reason === 'ResourceConflict' && (e.involvedObject as { name?: string }).name === 'shared',
      ),
    20_000,
    'conflict Event upstream',
  );
  const after = (await getOrUndefined(c.downstream, CONFIGMAPS, c.namespace, 'shared')) as KubeObject;
  expect(after.metadata.resourceVersion).toBe(theirs.metadata.resourceVersion);
  expect(after.data).toEqual({ owner: 'someone-else' });
  const result = c.syncer.applied.find((x) => x.request.item.key.name === 'shared')?.result;
  expect(result?.success).toBe(false);
  expect(result?.conflicts[0]?.kind).toBe('ownership');
}
