// The differential suite: one scenario library, run once with kcp's Go syncer (the reference) and once with our
// agent, each on a fresh real kcp v0.11 and a fresh real kube-apiserver, both started with the SAME arguments that
// `kubectl kcp workload sync` generated. Their state after each scenario is normalized and diffed; every
// difference must be named, with its reason, in kcp-intended-differences.json.
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  dumpState,
  formatDifferences,
  type KcpWorld,
  type NormalizedDump,
  normalizeDump,
  SCENARIO_NAMESPACES,
  SCENARIOS,
  type ScenarioResult,
  type SyncerKind,
  startKcpWorld,
  UPSYNC_RESOURCES,
  whileRunning,
} from '@kcp-tmc/testing';
import { describe, expect, it } from 'vitest';
import { compareRuns, realKcpRuns } from './kcp-real-support.js';

const canRun = await realKcpRuns('the real-kcp differential suite');

interface ScenarioOutcome {
  readonly name: string;
  readonly ms: number;
  readonly error?: string;
  readonly result: ScenarioResult;
  readonly dump: NormalizedDump;
}

const runs: Partial<Record<SyncerKind, ScenarioOutcome[]>> = {};
const SCENARIO_TIMEOUT = 25 * 60_000;

async function runScenarios(kind: SyncerKind): Promise<ScenarioOutcome[]> {
  const steps: string[] = [];
  const world: KcpWorld = await startKcpWorld(kind, {
    // The world's default resources, and what the upsync scenarios go up with.
    resources: ['deployments.apps', 'services', ...UPSYNC_RESOURCES],
    workloadSyncArgs: ['--downstream-namespace-clean-delay=5s'],
    onStep: (step, ms) => steps.push(`${step} ${(ms / 1000).toFixed(1)} s`),
  });
  const outcomes: ScenarioOutcome[] = [];
  try {
    for (const scenario of SCENARIOS) {
      const started = Date.now();
      let result: ScenarioResult = {};
      let error: string | undefined;
      try {
        result = await whileRunning(() => world.syncer, scenario.run(world));
      } catch (e) {
        error = `${(e as Error).message}\n--- ${kind} syncer log ---\n${world.syncer?.logTail(30) ?? ''}`;
      }
      const ms = Date.now() - started;
      const dump = normalizeDump(world, await dumpState(world, SCENARIO_NAMESPACES));
      outcomes.push({ name: scenario.name, ms, result, dump, ...(error ? { error } : {}) });
      // A scenario that did not converge leaves the next one nothing sound to start from.
      if (error) break;
    }
  } finally {
    await world.stop();
  }
  console.log(
    `differential (${kind}): set-up ${steps.join(', ')}; ${outcomes
      .map((o) => `${o.name}: ${(o.ms / 1000).toFixed(1)} s${o.error ? ' (FAILED)' : ''}`)
      .join('; ')}`,
  );
  return outcomes;
}

describe.runIf(canRun)(
  "differential: kcp's Go syncer vs our agent on real kcp v0.11 and a real kube-apiserver",
  () => {
    it(
      "runs the scenarios with kcp's Go syncer (the reference)",
      async () => {
        runs.go = await runScenarios('go');
        expect(runs.go.filter((o) => o.error).map((o) => o.error)).toEqual([]);
      },
      SCENARIO_TIMEOUT,
    );

    it(
      'runs the scenarios with our agent',
      async () => {
        runs.agent = await runScenarios('agent');
        expect(runs.agent.filter((o) => o.error).map((o) => o.error)).toEqual([]);
        // Our agent's own restart keeps its imports and deletes and recreates nothing (kcp's syncer varies with
        // whether SIGTERM reaches its importer before it exits).
        const churn = runs.agent.flatMap((o) => (o.result.churn ? [o.result.churn] : []));
        expect(
          churn.map(({ recreated, deleted, lostImports }) => ({ recreated, deleted, lostImports })),
        ).toEqual([{ recreated: [], deleted: [], lostImports: [] }]);
      },
      SCENARIO_TIMEOUT,
    );

    it('leaves the same state as kcp after every scenario, but for the intended differences', () => {
      const reference = runs.go ?? [];
      const tested = runs.agent ?? [];
      expect(reference.length).toBe(SCENARIOS.length);
      const report: string[] = [];
      const all: Record<string, unknown> = {};
      for (const [i, scenario] of SCENARIOS.entries()) {
        const a = reference[i];
        const b = tested[i];
        if (!a || !b) {
          report.push(`${scenario.name}: not run by ${a ? 'the agent' : "kcp's syncer"}`);
          continue;
        }
        const { differences, unexplained: left } = compareRuns(a, b, scenario.name);
        all[scenario.name] = { reference: a.result, tested: b.result, differences, unexplained: left };
        if (left.length > 0) report.push(`== ${scenario.name}\n${formatDifferences(left)}`);
      }
      // Every difference, explained or not, with both runs' timings, for a person to read.
      const path = process.env.KCP_TMC_DIFFERENTIAL_REPORT ?? join(tmpdir(), 'kcp-tmc-differential.json');
      const timings = (o: ScenarioOutcome[]) => o.map(({ name, ms, error }) => ({ name, ms, error }));
      writeFileSync(
        path,
        JSON.stringify({ go: timings(reference), agent: timings(tested), scenarios: all }, null, 2),
      );
      console.log(`differential report: ${path}`);
      expect(report.join('\n')).toBe('');
    });
  },
);
