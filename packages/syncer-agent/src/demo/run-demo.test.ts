import { afterEach, describe, expect, it } from 'vitest';
import { StreamLogger } from '../logging/logger.js';
import { type DemoRun, runDemo } from './run-demo.js';
import { DEMO_REPLICAS, DEMO_WORKSPACES } from './scenario.js';

describe('demo', () => {
  let run: DemoRun | undefined;
  afterEach(async () => {
    await run?.stop();
    run = undefined;
  });

  it('converges and reports the summary numbers', async () => {
    const output: string[] = [];
    const logs: string[] = [];
    run = await runDemo({
      out: { write: (chunk: string) => output.push(chunk) },
      logger: new StreamLogger({ stream: { write: (c: string) => logs.push(c) }, verbosity: 0 }),
      timeoutMs: 45_000,
    });
    const { summary } = run;
    expect(summary.objectsPlaced).toBe(8);
    expect(summary.objectsSynced).toBe(8);
    expect(summary.replicasDesired).toBe(DEMO_REPLICAS * DEMO_WORKSPACES.length);
    expect(summary.readyReplicasUpstream).toBe(summary.replicasDesired);
    // The agent's upstream is the syncer virtual workspace, which serves no v1 events in kcp v0.11
    // (reference/real-kcp/README.md, difference 7): none go up, and the summary says why.
    expect(run.eventsServed).toBe(false);
    expect(summary.eventsSynced).toBe(0);
    expect(summary.heartbeatAgeMs).toBeDefined();
    // One kcp-<hash> namespace per workspace.
    expect(summary.downstreamNamespaces).toHaveLength(2);
    for (const ns of summary.downstreamNamespaces) expect(ns).toMatch(/^kcp-[0-9a-z]{12}$/);
    const text = output.join('');
    expect(text).toContain('| objects synced               | 8/8');
    expect(text).toContain(
      `| ready replicas seen upstream | ${summary.replicasDesired}/${summary.replicasDesired}`,
    );
    expect(text).toContain("| events synced                | 0 (kcp's syncer virtual workspace serves none)");

    // A clean exit: rechecks and retries still waiting are left for the next start, not reported as lost work.
    await run.stop();
    run = undefined;
    const complaints = logs.filter((line) => /"level":"(warn|error)"/.test(line));
    expect(complaints).toEqual([]);
  }, 60_000);
});
