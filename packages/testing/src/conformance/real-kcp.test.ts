import { describe, it } from 'vitest';
import { realKcpUnavailable } from '../real/binaries.js';
import { describeConformance } from './index.js';
import { realKcpTarget } from './real-kcp-target.js';

// The kcp cases the simulator in kcp mode passes, against real kcp v0.11 (tools/kcp-bins) with a SyncTarget whose
// APIs kcp's Go syncer imported; the cases then act as its syncer. Where the two disagree, real kcp is right.
const unavailable = await realKcpUnavailable();

if (unavailable === undefined) {
  describeConformance(
    'real kcp v0.11',
    () =>
      realKcpTarget((step, ms) => {
        console.info(`real kcp target: ${step} took ${ms} ms`);
      }),
    { cases: 'kcp', caseTimeoutMs: 120_000, setupTimeoutMs: 600_000 },
  );
} else {
  describe('kcp conformance: real kcp v0.11', () => {
    it.skip(`real kcp unavailable (${unavailable})`, () => {});
  });
}
