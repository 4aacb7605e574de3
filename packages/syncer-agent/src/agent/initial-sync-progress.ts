import { groupResourceString, type Logger, parseGvr, type SyncEngine } from '@kcp-tmc/interfaces';

export interface InitialSyncProgressOptions {
  /** How often a progress line is logged while the initial sync runs (ms). */
  readonly periodMs?: number;
  /** How often completion is checked (ms). */
  readonly checkMs?: number;
}

/** kcp's `--resources` spelling: `deployments.apps`, `configmaps` for the core group. */
function resourceName(gvr: string): string {
  return groupResourceString(parseGvr(gvr));
}

/**
 * Logs the initial sync's progress per resource, `synced/listed`, every `periodMs` and once at completion:
 * `listed` is what the upstream initial lists queued (the engine's pending keys going down when its workers start),
 * `synced` how many keys have been done with since (`settledDown`). The queue hands keys out in order, so objects
 * that arrive meanwhile queue behind the listed ones and do not hold the count back. Stops by itself at
 * completion; the returned function stops it earlier.
 */
export function reportInitialSync(
  engine: SyncEngine,
  logger: Logger,
  options: InitialSyncProgressOptions = {},
): () => void {
  const started = Date.now();
  const listed = new Map<string, { total: number; settledBefore: number }>();
  for (const [gvr, counts] of Object.entries(engine.getStatus().resources)) {
    const total = counts.pendingDown ?? 0;
    if (total > 0) listed.set(gvr, { total, settledBefore: counts.settledDown ?? 0 });
  }
  const progress = () => {
    const resources = engine.getStatus().resources;
    const rows = [...listed].map(([gvr, { total, settledBefore }]) => {
      const counts = resources[gvr];
      // An engine that does not count settled keys still reports what is left of the listed ones.
      const settled = Math.max(
        (counts?.settledDown ?? settledBefore) - settledBefore,
        total - (counts?.pendingDown ?? 0),
      );
      return { name: resourceName(gvr), synced: Math.min(total, Math.max(0, settled)), listed: total };
    });
    return {
      done: rows.every((r) => r.synced === r.listed),
      text: rows.map((r) => `${r.name} ${r.synced}/${r.listed}`).join(', '),
      fields: Object.fromEntries(rows.map((r) => [r.name, { synced: r.synced, listed: r.listed }])),
    };
  };
  let lastLine = started;
  const tick = () => {
    const now = Date.now();
    const { done, text, fields } = progress();
    if (done) {
      stop();
      const elapsed = `${((now - started) / 1000).toFixed(1)}s`;
      logger.info(`initial sync complete${text === '' ? '' : `: ${text}`} in ${elapsed}`, {
        resources: fields,
      });
    } else if (now - lastLine >= (options.periodMs ?? 5_000)) {
      lastLine = now;
      logger.info(`initial sync: ${text}`, { resources: fields });
    }
  };
  const timer = setInterval(tick, options.checkMs ?? 500);
  timer.unref();
  const stop = () => clearInterval(timer);
  tick();
  return stop;
}
