import { type ChaosContext, FULL } from './harness.js';

// Short by default; the figures (30 s outage, 2,000 objects) with KCP_TMC_CHAOS=full.
export const FAULT_MS = FULL ? 30_000 : 4_000;
export const CHANGES = FULL ? 500 : 60;

/** Creates, updates and deletes objects while a fault lasts: the work the fault must not lose. */
export async function churn(context: ChaosContext): Promise<void> {
  await context.workload.create(CHANGES);
  await context.workload.update(CHANGES / 2);
  await context.workload.delete(CHANGES / 4);
}
