import type { KubeObject } from '@kcp-tmc/interfaces';
import { expect } from 'vitest';
import type { RecordingDownstreamSyncer } from './recording-syncer.js';
import { eventually } from './wait.js';

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
