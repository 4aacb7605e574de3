import { RealApiserverStartError } from './errors.js';

const BIND_RETRIES = 3;

/**
 * Starts a control plane again when it lost a port race: ports are picked free and then bound by the processes,
 * so another process can take one in between ("address already in use" in the log). Other failures are final.
 */
export async function retryLostPortRace<T>(start: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await start();
    } catch (error) {
      const lostPortRace =
        error instanceof RealApiserverStartError && /address already in use/.test(error.logTail);
      if (!lostPortRace || attempt >= BIND_RETRIES) throw error;
    }
  }
}
