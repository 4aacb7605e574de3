import type { LeaderElection, Logger } from '@kcp-tmc/interfaces';
import type { DrainResult } from './queue/index.js';

/**
 * Waits until this replica leads. Once it has led, losing the lease hands every queued key back at once
 * (`handBack`) and logs how many the new leader takes over.
 */
export async function acquireLeadership(
  leader: LeaderElection,
  signal: AbortSignal,
  logger: Logger,
  handBack: () => Promise<DrainResult<string>>,
): Promise<void> {
  logger.info('caches synced, waiting for leadership', { identity: leader.identity });
  leader.onLost(() => {
    void handBack().then((drain) => {
      logger.warn('leadership lost: work left to the new leader', { handedBack: drain.handedBack.length });
    });
  });
  await leader.acquire(signal);
}
