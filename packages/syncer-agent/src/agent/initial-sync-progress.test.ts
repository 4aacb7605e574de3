import type { Logger, ResourceSyncCounts, SyncEngine, SyncStatus } from '@kcp-tmc/interfaces';
import { afterEach, describe, expect, it } from 'vitest';
import { reportInitialSync } from './initial-sync-progress.js';

const CONFIGMAPS = 'v1/configmaps';

/** An engine whose counters the test sets, and a logger that keeps the info lines. */
function fixture(initial: ResourceSyncCounts) {
  let counts = { ...initial };
  const engine = {
    getStatus: (): SyncStatus => ({ connected: true, resources: { [CONFIGMAPS]: { ...counts } } }),
  } as unknown as SyncEngine;
  const lines: Array<{ msg: string; fields?: Record<string, unknown> }> = [];
  const logger = {
    info: (msg: string, fields?: Record<string, unknown>) =>
      lines.push({ msg, ...(fields === undefined ? {} : { fields }) }),
    warn: () => {},
    error: () => {},
    debug: () => {},
    child: () => logger,
  } as unknown as Logger;
  const set = (next: Partial<ResourceSyncCounts>) => {
    counts = { ...counts, ...next };
  };
  return { engine, logger, lines, set };
}

async function until(done: () => boolean, timeoutMs = 2_000): Promise<void> {
  for (const deadline = Date.now() + timeoutMs; !done(); await new Promise((r) => setTimeout(r, 5))) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
  }
}

describe('reportInitialSync', () => {
  let stop: (() => void) | undefined;
  afterEach(() => stop?.());

  it('counts the listed objects done while new ones keep arriving, and completes', async () => {
    // 4 listed, 2 settled before the report starts (a previous sync of other keys).
    const f = fixture({ synced: 2, pending: 4, failed: 0, pendingDown: 4, settledDown: 2 });
    stop = reportInitialSync(f.engine, f.logger, { periodMs: 0, checkMs: 5 });
    // Churn: every key done is replaced by a new arrival, so 4 stay pending throughout.
    f.set({ settledDown: 4 });
    await until(() => f.lines.some((l) => l.msg === 'initial sync: configmaps 2/4'));
    f.set({ settledDown: 6 });
    await until(() => f.lines.some((l) => l.msg.startsWith('initial sync complete')));
    const complete = f.lines.find((l) => l.msg.startsWith('initial sync complete'));
    expect(complete?.msg).toMatch(/^initial sync complete: configmaps 4\/4 in \d+\.\ds$/);
    expect(complete?.fields).toEqual({ resources: { configmaps: { synced: 4, listed: 4 } } });
    const during = f.lines
      .filter((l) => l.msg.startsWith('initial sync: '))
      .map(
        (l) => ((l.fields?.resources ?? {}) as Record<string, { synced: number }>).configmaps?.synced ?? -1,
      );
    expect(during).toEqual([...during].sort((a, b) => a - b));
  });

  it('without settled counts, reports what is left of the listed keys', async () => {
    const f = fixture({ synced: 0, pending: 3, failed: 0, pendingDown: 3 });
    stop = reportInitialSync(f.engine, f.logger, { periodMs: 0, checkMs: 5 });
    f.set({ pendingDown: 1 });
    await until(() => f.lines.some((l) => l.msg === 'initial sync: configmaps 2/3'));
    f.set({ pendingDown: 0 });
    await until(() => f.lines.some((l) => /^initial sync complete: configmaps 3\/3/.test(l.msg)));
  });
});
