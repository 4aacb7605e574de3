import { ST_CLUSTER, ST_NAME, type World } from '../e2e/support.js';

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
 * Records when each new lastSyncerHeartbeatTime of the SyncTarget was committed by the upstream simulator (its
 * change feed, in this process): the moment the heartbeat landed. Polling over HTTP instead would share this
 * process's event loop with the workload and the comparisons, and report a busy loop as a late heartbeat.
 */
export function watchHeartbeats(world: World): HeartbeatWatch {
  let last: string | undefined;
  const seen: number[] = [];
  const unsubscribe = world.upstream.store.onChange((event) => {
    if (event.gr !== SYNC_TARGET_GR || event.cluster !== ST_CLUSTER || event.object.metadata.name !== ST_NAME)
      return;
    const beat = (event.object.status as { lastSyncerHeartbeatTime?: string } | undefined)
      ?.lastSyncerHeartbeatTime;
    if (beat !== undefined && beat !== last) {
      last = beat;
      seen.push(Date.now());
    }
  });
  return {
    maxGapMs: () => longestWait(seen, Date.now()),
    maxGapOutsideMs: (window) => longestWait(seen, Date.now(), window),
    stop: unsubscribe,
  };
}

const SYNC_TARGET_GR = 'workload.kcp.io/synctargets';

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
