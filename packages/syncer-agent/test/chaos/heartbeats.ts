import { call, ST_CLUSTER, ST_NAME, type World } from '../e2e/support.js';

/** When a fault held: from its injection to its heal (ms since the epoch). */
export interface FaultWindow {
  start: number;
  end: number;
}

export interface HeartbeatWatch {
  /** The longest wait between two heartbeats seen upstream, over the whole scenario. */
  maxGapMs(): number;
  /**
   * The longest wait outside `window`: a wait that overlaps the window counts only before the window's start and
   * from its end (so the first heartbeat after the heal must come within a period), a wait inside it not at all.
   */
  maxGapOutsideMs(window: FaultWindow): number;
  stop(): void;
}

/**
 * Samples the SyncTarget's lastSyncerHeartbeatTime every 100 ms (through the upstream, faults and all: a
 * failed sample counts as nothing seen) and keeps when each new value was first seen.
 */
export function watchHeartbeats(world: World): HeartbeatWatch {
  const path = `/clusters/${ST_CLUSTER}/apis/workload.kcp.io/v1alpha1/synctargets/${ST_NAME}`;
  let last: string | undefined;
  const seen: number[] = [];
  let stopped = false;
  const sample = async () => {
    while (!stopped) {
      try {
        const { json } = await call(world.upstream.url, path);
        const beat = (json.status as { lastSyncerHeartbeatTime?: string } | undefined)
          ?.lastSyncerHeartbeatTime;
        if (beat !== undefined && beat !== last) {
          last = beat;
          seen.push(Date.now());
        }
      } catch {
        // The upstream is down in this scenario: nothing seen.
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };
  void sample();
  return {
    maxGapMs: () => longestWait(seen, Date.now()),
    maxGapOutsideMs: (window) => longestWait(seen, Date.now(), window),
    stop: () => {
      stopped = true;
    },
  };
}

/**
 * The longest wait between consecutive heartbeat sightings `seen` (the last wait running until `now`); with a
 * `window`, a wait overlapping it counts only before its start and after its end, one inside it not at all.
 */
export function longestWait(seen: readonly number[], now: number, window?: FaultWindow): number {
  const times = [...seen, now];
  let longest = 0;
  for (let i = 1; i < times.length; i++) {
    const from = times[i - 1] as number;
    const to = times[i] as number;
    const outside =
      window === undefined || to <= window.start || from >= window.end
        ? to - from
        : Math.max(0, window.start - from, to - window.end);
    longest = Math.max(longest, outside);
  }
  return longest;
}
