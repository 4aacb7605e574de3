import { readFileSync } from 'node:fs';
import {
  type Difference,
  diffDumps,
  type IntendedDifference,
  type NormalizedDump,
  realKcpUnavailable,
  type ScenarioResult,
  unexplained,
} from '@kcp-tmc/testing';
import { CLI_BUILT } from './support.js';

/**
 * Whether a real-kcp suite runs here: kcp's binaries are there and our CLI is built. When kcp is not, warns
 * `skipping <suite>: <why>` (realKcpUnavailable fails loudly where a missing kcp is an error).
 */
export async function realKcpRuns(suite: string): Promise<boolean> {
  const unavailable = await realKcpUnavailable();
  if (unavailable) console.warn(`skipping ${suite}: ${unavailable}`);
  return unavailable === undefined && CLI_BUILT;
}

/** kcp-intended-differences.json: each way our agent's state may differ from the Go syncer's, with its reason. */
export const INTENDED = JSON.parse(
  readFileSync(new URL('./kcp-intended-differences.json', import.meta.url), 'utf8'),
) as { differences: IntendedDifference[] };

/** What one syncer left after a scenario: the normalized state and the scenario's own observations. */
export interface SyncerRun {
  readonly dump: NormalizedDump;
  readonly result: ScenarioResult;
}

/**
 * Every difference between kcp's Go syncer's run (`reference`) and ours (`tested`), in state and in what the
 * scenario observed, and those INTENDED does not explain for `scenario`.
 */
export function compareRuns(
  reference: SyncerRun,
  tested: SyncerRun,
  scenario: string,
): { differences: Difference[]; unexplained: Difference[] } {
  const differences = [
    ...diffDumps(reference.dump, tested.dump),
    ...diffDumps(
      { 'observed||Scenario|': reference.result.observed ?? {} },
      { 'observed||Scenario|': tested.result.observed ?? {} },
    ),
  ];
  return { differences, unexplained: unexplained(differences, INTENDED.differences, scenario) };
}
