import { readFileSync } from 'node:fs';
import {
  app,
  type Difference,
  diffDumps,
  type IntendedDifference,
  type KcpWorld,
  type NormalizedDump,
  realKcpUnavailable,
  type ScenarioResult,
  settle,
  unexplained,
  whileRunning,
} from '@kcp-tmc/testing';
import { expect } from 'vitest';
import { CLI_BUILT, waitFor } from './support.js';

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

/** Creates the scenario library's app in `namespace` of the workspace (201, or 409 when it is there already). */
export async function createApp(world: KcpWorld, namespace: string): Promise<void> {
  for (const object of app(namespace)) {
    const answer = await world.up('POST', object.path, object.body);
    expect([201, 409]).toContain(answer.status);
  }
}

/** Whether the SyncTarget carries a heartbeat sent at or after `since` (epoch ms). */
export async function heartbeatSince(world: KcpWorld, since: number): Promise<boolean> {
  const st = await world.up(
    'GET',
    `/apis/workload.kcp.io/v1alpha1/synctargets/${world.generated.syncTargetName}`,
  );
  const beat = (st.body as { status?: { lastSyncerHeartbeatTime?: string } }).status?.lastSyncerHeartbeatTime;
  // Heartbeats carry whole seconds.
  return beat !== undefined && Date.parse(beat) >= Math.floor(since / 1000) * 1000;
}

/**
 * Waits, while the syncer runs, for its heartbeat sent at or after `since` (it is up), then until nobody writes
 * any more (its initial sync has had its say).
 */
export async function settledSince(world: KcpWorld, since: number, heartbeat: string): Promise<void> {
  await whileRunning(
    () => world.syncer,
    waitFor(() => heartbeatSince(world, since), heartbeat, 120_000),
  );
  await whileRunning(() => world.syncer, settle(world));
}
