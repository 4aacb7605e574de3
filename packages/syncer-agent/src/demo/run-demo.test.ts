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

    // kubectl against the downstream (`demo --keep-running`) prints READY and STATUS: server-side Tables.
    const table = async (path: string) => {
      const res = await fetch(`${run!.world.downstream.url}${path}`, {
        headers: { accept: 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json' },
      });
      return (await res.json()) as { columnDefinitions: { name: string }[]; rows: { cells: unknown[] }[] };
    };
    const deployments = await table('/apis/apps/v1/deployments');
    expect(deployments.columnDefinitions.map((c) => c.name).slice(0, 4)).toEqual([
      'Name',
      'Ready',
      'Up-to-date',
      'Available',
    ]);
    expect(deployments.rows.map((r) => r.cells[1])).toEqual(
      DEMO_WORKSPACES.map(() => `${DEMO_REPLICAS}/${DEMO_REPLICAS}`),
    );
    const pods = await table('/api/v1/pods');
    expect(pods.columnDefinitions.map((c) => c.name).slice(0, 3)).toEqual(['Name', 'Ready', 'Status']);
    expect(pods.rows.map((r) => r.cells[2])).toEqual(pods.rows.map(() => 'Running'));
    expect(pods.rows).toHaveLength(summary.replicasDesired);

    // A clean exit: rechecks and retries still waiting are left for the next start, not reported as lost work.
    await run.stop();
    run = undefined;
    const complaints = logs.filter((line) => /"level":"(warn|error)"/.test(line));
    expect(complaints).toEqual([]);
  }, 60_000);
});
