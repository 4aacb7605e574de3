/** Request counters by verb and resource, for tests that assert traffic ("zero writes"). */
export interface RequestStats {
  total: number;
  /** Requests that change state: create, update, patch, delete, deletecollection. */
  writes: number;
  byVerb: Record<string, number>;
  /** Keyed `<resource>[/<subresource>]` (group-qualified for non-core: `deployments.apps`). */
  byResource: Record<string, Record<string, number>>;
  /** Requests rejected by injected faults. */
  faulted: number;
}

const WRITE_VERBS = new Set(['create', 'update', 'patch', 'delete', 'deletecollection']);

export class StatsCollector {
  private stats: RequestStats = StatsCollector.empty();

  private static empty(): RequestStats {
    return { total: 0, writes: 0, byVerb: {}, byResource: {}, faulted: 0 };
  }

  record(verb: string, resource: string | undefined): void {
    const s = this.stats;
    s.total++;
    if (WRITE_VERBS.has(verb)) s.writes++;
    s.byVerb[verb] = (s.byVerb[verb] ?? 0) + 1;
    if (resource) {
      const r = s.byResource[resource] ?? {};
      s.byResource[resource] = r;
      r[verb] = (r[verb] ?? 0) + 1;
    }
  }

  recordFault(): void {
    this.stats.faulted++;
  }

  snapshot(): RequestStats {
    return structuredClone(this.stats);
  }

  reset(): void {
    this.stats = StatsCollector.empty();
  }
}
