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
  // Waits between consecutive sightings, the last one running until now.
  const waits = (): Array<[number, number]> => {
    const times = [...seen, Date.now()];
    return times.slice(1).map((end, i) => [times[i] as number, end]);
  };
  return {
    maxGapMs: () => Math.max(0, ...waits().map(([from, to]) => to - from)),
    maxGapOutsideMs: (window) =>
      Math.max(
        0,
        ...waits().map(([from, to]) => {
          if (to <= window.start || from >= window.end) return to - from;
          return Math.max(0, window.start - from, to - window.end);
        }),
      ),
    stop: () => {
      stopped = true;
    },
  };
}
