// The differential check of one upstream namespace placed on TWO SyncTargets, each served by its own syncer
// process with its own `kubectl kcp workload sync` arguments (both syncers of the same kind, one downstream
// kube-apiserver). It runs once with kcp's Go syncers and once with our agents, each on a fresh real kcp v0.11,
// and diffs the normalized state like kcp-differential.real.e2e.test.ts. A file of its own: its world has a
// second SyncTarget and Placement from the start, which would change what every scenario of the main suite sees.
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  dumpState,
  formatDifferences,
  type NormalizedDump,
  normalizeDump,
  placeOnAddedSyncTarget,
  SCENARIO_NAMESPACES,
  type ScenarioResult,
  type SyncerKind,
  startKcpWorld,
  TWO_SYNC_TARGETS,
  whileRunning,
} from '@kcp-tmc/testing';
import { describe, expect, it } from 'vitest';
import { compareRuns, realKcpRuns } from './kcp-real-support.js';

const canRun = await realKcpRuns('the real-kcp two-SyncTargets check');

interface Run {
  readonly result: ScenarioResult;
  readonly dump: NormalizedDump;
}

const runs: Partial<Record<SyncerKind, Run>> = {};
const TIMEOUT = 15 * 60_000;
const ADDED = 'phys2';

async function runTwoSyncTargets(kind: SyncerKind): Promise<Run> {
  const steps: string[] = [];
  const timed = async <T>(step: string, work: () => Promise<T>): Promise<T> => {
    const started = Date.now();
    const result = await work();
    steps.push(`${step} ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return result;
  };
  const world = await timed('world', () =>
    startKcpWorld(kind, { workloadSyncArgs: ['--downstream-namespace-clean-delay=5s'] }),
  );
  try {
    const added = await timed(`add SyncTarget ${ADDED}`, () => world.addSyncTarget(ADDED));
    await timed('place on both', () => placeOnAddedSyncTarget(world, added));
    const syncers = () => [world.syncer, added.syncer].find((s) => s?.exitDescription !== undefined);
    const result = await timed('scenario', () =>
      whileRunning(syncers, TWO_SYNC_TARGETS.run(world)).catch((e: Error) => {
        throw new Error(
          `${e.message}\n--- ${kind} syncer (phys) ---\n${world.syncer?.logTail(20)}\n--- ${kind} syncer (${ADDED}) ---\n${added.syncer.logTail(20)}`,
        );
      }),
    );
    const dump = normalizeDump(world, await dumpState(world, SCENARIO_NAMESPACES));
    return { result, dump };
  } finally {
    await world.stop();
    console.log(`two SyncTargets (${kind}): ${steps.join(', ')}`);
  }
}

/** The keys of a normalized dump that start with `prefix`. */
const keys = (dump: NormalizedDump, prefix: string) => Object.keys(dump).filter((k) => k.startsWith(prefix));

describe.runIf(canRun)(
  'one upstream namespace on two SyncTargets, real kcp v0.11: Go syncers vs our agents',
  () => {
    it.each(['go', 'agent'] as const)(
      'syncs the app down for both SyncTargets with %s syncers',
      async (kind) => {
        const run = await runTwoSyncTargets(kind);
        runs[kind] = run;
        // One downstream namespace per SyncTarget, each with the whole app.
        for (const down of ['<down:demo>', `<down:${ADDED}:demo>`]) {
          expect(keys(run.dump, `down|${down}|`).sort()).toEqual(
            expect.arrayContaining([
              `down|${down}|ConfigMap|app-config`,
              `down|${down}|Deployment|web`,
              `down|${down}|Secret|app-secret`,
              `down|${down}|Service|web`,
            ]),
          );
        }
        // kcp keeps no upstream status for an object on two SyncTargets: each syncer's status is its view in a
        // `diff.syncer.internal.kcp.io/<key>` annotation (kcp pkg/virtual/syncer/transformations/transformer.go).
        const upstream = run.dump['up|demo|Deployment|web'] as {
          metadata: { annotations: Record<string, unknown> };
          status?: unknown;
        };
        expect(upstream.status).toBeUndefined();
        for (const key of ['<key>', `<key:${ADDED}>`]) {
          expect(upstream.metadata.annotations[`diff.syncer.internal.kcp.io/${key}`]).toMatchObject({
            status: { observedGeneration: 2, replicas: 2 },
          });
        }
        const namespace = run.dump['up||Namespace|demo'] as { metadata: { labels: Record<string, string> } };
        expect(namespace.metadata.labels).toMatchObject({
          'state.workload.kcp.io/<key>': 'Sync',
          [`state.workload.kcp.io/<key:${ADDED}>`]: 'Sync',
        });
      },
      TIMEOUT,
    );

    it('leaves the same state with our agents as with kcp, but for the intended differences', () => {
      const { go, agent } = runs;
      if (!go || !agent) throw new Error(`not run by ${go ? 'the agent' : "kcp's syncer"}`);
      const { differences, unexplained: left } = compareRuns(go, agent, TWO_SYNC_TARGETS.name);
      // Every difference, explained or not, and both runs' observations, for a person to read.
      const path =
        process.env.KCP_TMC_TWO_SYNC_TARGETS_REPORT ?? join(tmpdir(), 'kcp-tmc-two-synctargets.json');
      const report = { reference: go.result, tested: agent.result, differences, unexplained: left };
      writeFileSync(path, JSON.stringify(report, null, 2));
      console.log(`two-SyncTargets report: ${path}`);
      expect(formatDifferences(left)).toBe('');
    });
  },
);
