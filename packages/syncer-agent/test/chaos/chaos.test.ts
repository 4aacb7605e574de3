import { writeFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { CLI_BUILT } from '../e2e/support.js';
import { FULL, HEARTBEAT_PERIOD_MS, runScenario, type ScenarioReport } from './harness.js';
import { SCENARIOS } from './scenarios.js';

// The bar: nothing lost, stray or duplicated; back in sync within 5 s of the heal; no heartbeat gap
// over one period (plus the second-resolution of lastSyncerHeartbeatTime) unless the upstream itself failed.
const RECOVERY_MS = 5_000;
const HEARTBEAT_SLACK_MS = 1_000;

describe.skipIf(!CLI_BUILT)(`chaos (${FULL ? 'full' : 'short'} form)`, () => {
  const reports: ScenarioReport[] = [];
  afterAll(() => {
    const path = process.env.KCP_TMC_CHAOS_REPORT;
    if (path !== undefined) writeFileSync(path, `${JSON.stringify(reports, null, 2)}\n`);
    const rows = reports.map(
      (r) =>
        `| ${r.scenario} | ${r.objects} | ${r.lost.length} / ${r.stray.length} / ${r.duplicated.length} | ${r.faultMs} | ${r.recoveryMs} | ${r.maxHeartbeatGapMs} |`,
    );
    console.log(
      [
        '| scenario | objects | lost / stray / dup | fault ms | recovery ms | max heartbeat gap ms |',
        '| --- | --- | --- | --- | --- | --- |',
        ...rows,
      ].join('\n'),
    );
  });

  for (const scenario of SCENARIOS) {
    it(scenario.name, async () => {
      const report = await runScenario(scenario);
      reports.push(report);
      expect({ lost: report.lost, stray: report.stray, duplicated: report.duplicated }).toEqual({
        lost: [],
        stray: [],
        duplicated: [],
      });
      expect(report.recoveryMs).toBeLessThanOrEqual(RECOVERY_MS);
      if (scenario.heartbeatPauses !== true)
        expect(report.maxHeartbeatGapMs).toBeLessThanOrEqual(HEARTBEAT_PERIOD_MS + HEARTBEAT_SLACK_MS);
    }, 240_000);
  }
});
