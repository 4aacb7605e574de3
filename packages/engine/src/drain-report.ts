import type { Logger } from '@kcp-tmc/interfaces';
import type { DrainResult } from './queue/index.js';

/** Logs what a shutdown left: in-flight keys cut off at the timeout, or queued keys for the next start. */
export function logDrain(drain: DrainResult<string>, timeoutMs: number, logger: Logger): void {
  const handedBack = drain.handedBack.length;
  if (!drain.drained) {
    logger.warn('in-flight work cut off at the shutdown timeout', {
      handedBack,
      sample: drain.handedBack.slice(0, 10),
      timeoutMs,
    });
  } else if (handedBack > 0) {
    logger.info('queued work left for the next start', { handedBack });
  }
}
