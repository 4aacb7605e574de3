import { readFileSync } from 'node:fs';
import { parseMetrics } from '@kcp-tmc/testing/kit';
import { describe, expect, it } from 'vitest';
import { SyncerMetrics } from './registry.js';

interface Panel {
  id: number;
  type: string;
  title: string;
  gridPos: { h: number; w: number; x: number; y: number };
  targets?: Array<{ expr: string; datasource?: { uid?: string } }>;
}

const dashboard = JSON.parse(
  readFileSync(new URL('../../../docs/grafana/kcp-tmc-syncer.json', import.meta.url), 'utf8'),
) as { uid: string; panels: Panel[]; templating: { list: Array<{ name: string }> } };

/** Grafana's data source variable, spelled as Grafana writes it. */
const DATASOURCE_VARIABLE = ['$', '{datasource}'].join('');
const OURS = /\b(?:syncer|workqueue|process|nodejs)_[a-zA-Z0-9_]*/g;
const SERIES_SUFFIXES = /_(?:bucket|sum|count)$/;

describe('Grafana dashboard (docs/grafana/kcp-tmc-syncer.json)', () => {
  it('queries only metrics the agent exposes', async () => {
    const metrics = new SyncerMetrics({ processMetrics: true });
    const exposed = parseMetrics(await metrics.metrics());
    const queried = new Set(
      dashboard.panels.flatMap((p) => (p.targets ?? []).flatMap((t) => t.expr.match(OURS) ?? [])),
    );
    expect(queried.size).toBeGreaterThan(10);
    const missing = [...queried].filter(
      (name) => !exposed.has(name) && !exposed.has(name.replace(SERIES_SUFFIXES, '')),
    );
    expect(missing).toEqual([]);
    // Every syncer_ and workqueue_ family is charted somewhere.
    const charted = new Set([...queried].map((name) => name.replace(SERIES_SUFFIXES, '')));
    const uncharted = [...exposed.keys()].filter(
      (name) => /^(syncer|workqueue)_/.test(name) && !charted.has(name),
    );
    expect(uncharted).toEqual([]);
  });

  it('has unique panel ids, uses the data source and job/instance variables in every query', () => {
    const ids = dashboard.panels.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(dashboard.templating.list.map((v) => v.name)).toEqual(['datasource', 'job', 'instance']);
    for (const panel of dashboard.panels.filter((p) => p.type !== 'row')) {
      expect(panel.targets?.length, panel.title).toBeGreaterThan(0);
      for (const target of panel.targets ?? []) {
        expect(target.datasource?.uid, panel.title).toBe(DATASOURCE_VARIABLE);
        expect(target.expr, panel.title).toContain('job=~"$job", instance=~"$instance"');
      }
      expect(panel.gridPos.x + panel.gridPos.w, panel.title).toBeLessThanOrEqual(24);
    }
  });
});
