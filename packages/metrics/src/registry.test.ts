import {
  TmcErrorType as ErrorTypes,
  gvr,
  type SyncObservation,
  type TmcErrorSeverity,
  type TmcErrorType,
} from '@kcp-tmc/interfaces';
import { family, parseMetrics, value } from '@kcp-tmc/testing/kit';
import { register as globalRegistry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { resourceLabel, SyncerMetrics } from './registry.js';

const WORKQUEUE_NAMES = [
  'workqueue_depth',
  'workqueue_adds_total',
  'workqueue_queue_duration_seconds',
  'workqueue_work_duration_seconds',
  'workqueue_unfinished_work_seconds',
  'workqueue_longest_running_processor_seconds',
  'workqueue_retries_total',
];

/** A deterministic mix of work: which clusters, kinds and outcomes depend on the index. */
function observations(count: number): SyncObservation[] {
  return Array.from({ length: count }, (_, i) => ({
    cluster: `root:ws${i % 3}`,
    gvr: i % 2 === 0 ? gvr('apps', 'v1', 'deployments') : gvr('', 'v1', 'configmaps'),
    direction: i % 5 === 0 ? 'up' : 'down',
    durationSeconds: (i % 7) * 0.01,
    success: i % 4 !== 3,
  }));
}

describe('SyncerMetrics', () => {
  it('exposes counters that parse and match the work done', async () => {
    const metrics = new SyncerMetrics({ processMetrics: false });
    const work = observations(250);
    for (const o of work) metrics.observeSync(o);
    const errors: Array<[TmcErrorType, TmcErrorSeverity]> = [
      ['ClusterUnreachable', 'error'],
      ['TooManyRequests', 'warning'],
      ['ClusterUnreachable', 'error'],
    ];
    for (const [type, severity] of errors) metrics.observeError(type, severity);

    const parsed = parseMetrics(await metrics.metrics());

    const expected = new Map<string, number>();
    for (const o of work.filter((w) => w.success)) {
      const key = JSON.stringify({
        cluster: o.cluster,
        resource: resourceLabel(o.gvr),
        direction: o.direction,
      });
      expected.set(key, (expected.get(key) ?? 0) + 1);
    }
    expect(family(parsed, 'syncer_resources_synced_total').samples).toHaveLength(expected.size);
    // One resource spelling in every series (no `gvk` in two formats, no `workspace` copying `cluster`).
    expect(
      new Set(family(parsed, 'syncer_resources_synced_total').samples.map((s) => s.labels.resource)),
    ).toEqual(new Set(['deployments.v1.apps', 'configmaps.v1']));
    for (const [key, count] of expected) {
      expect(value(parsed, 'syncer_resources_synced_total', JSON.parse(key))).toBe(count);
    }

    for (const direction of ['up', 'down'] as const) {
      for (const result of ['success', 'error'] as const) {
        const matching = work.filter(
          (w) => w.direction === direction && w.success === (result === 'success'),
        );
        const labels = { direction, result };
        expect(value(parsed, 'syncer_sync_duration_seconds_count', labels)).toBe(matching.length);
        expect(value(parsed, 'syncer_sync_duration_seconds_sum', labels)).toBeCloseTo(
          matching.reduce((sum, w) => sum + w.durationSeconds, 0),
          6,
        );
        const fast = matching.filter((w) => w.durationSeconds <= 0.032).length;
        expect(value(parsed, 'syncer_sync_duration_seconds_bucket', { ...labels, le: '0.032' })).toBe(fast);
      }
    }

    expect(value(parsed, 'syncer_sync_errors_total', { type: 'ClusterUnreachable', severity: 'error' })).toBe(
      2,
    );
    expect(value(parsed, 'syncer_sync_errors_total', { type: 'TooManyRequests', severity: 'warning' })).toBe(
      1,
    );
  });

  it('reports heartbeat and connection gauges', async () => {
    const metrics = new SyncerMetrics({ processMetrics: false });
    metrics.setHeartbeat(Date.UTC(2025, 0, 1, 0, 0, 20));
    metrics.setHeartbeat(Date.UTC(2025, 0, 1, 0, 0, 40));
    metrics.setConnected('upstream', true);
    metrics.setConnected('downstream', false);
    const parsed = parseMetrics(await metrics.metrics());
    expect(value(parsed, 'syncer_heartbeat_last_success_timestamp_seconds')).toBe(
      Date.UTC(2025, 0, 1, 0, 0, 40) / 1000,
    );
    expect(value(parsed, 'syncer_heartbeats_total')).toBe(2);
    expect(value(parsed, 'syncer_connected', { side: 'upstream' })).toBe(1);
    expect(value(parsed, 'syncer_connected', { side: 'downstream' })).toBe(0);
  });

  it("uses client-go's workqueue names with a name label, with series from the first request", async () => {
    const metrics = new SyncerMetrics({ processMetrics: false });
    const queue = 'tmc-workload-syncer-spec';
    const depth = metrics.depth(queue);
    const adds = metrics.adds(queue);
    const latency = metrics.latency(queue);
    const work = metrics.workDuration(queue);
    metrics.unfinishedWorkSeconds(queue);
    const longest = metrics.longestRunningProcessorSeconds(queue);
    const retries = metrics.retries(queue);

    const empty = parseMetrics(await metrics.metrics());
    for (const name of WORKQUEUE_NAMES) {
      expect(family(empty, name).samples.some((s) => s.labels.name === queue)).toBe(true);
    }
    expect(family(empty, 'workqueue_queue_duration_seconds').type).toBe('histogram');

    const keys = 40;
    for (let i = 0; i < keys; i++) {
      adds.inc();
      depth.inc();
    }
    for (let i = 0; i < keys / 2; i++) {
      depth.dec();
      latency.observe(0.002);
      work.observe(0.05);
    }
    for (let i = 0; i < 3; i++) retries.inc();
    longest.set(12.5);
    // Asking again (a queue restarted) keeps the values.
    metrics.depth(queue);
    metrics.adds(queue);

    const parsed = parseMetrics(await metrics.metrics());
    expect(value(parsed, 'workqueue_adds_total', { name: queue })).toBe(keys);
    expect(value(parsed, 'workqueue_depth', { name: queue })).toBe(keys / 2);
    expect(value(parsed, 'workqueue_retries_total', { name: queue })).toBe(3);
    expect(value(parsed, 'workqueue_longest_running_processor_seconds', { name: queue })).toBe(12.5);
    expect(value(parsed, 'workqueue_queue_duration_seconds_count', { name: queue })).toBe(keys / 2);
    const buckets = family(parsed, 'workqueue_work_duration_seconds')
      .samples.filter((s) => s.name.endsWith('_bucket'))
      .map((s) => (s.labels.le === '+Inf' ? Number.POSITIVE_INFINITY : Number(s.labels.le)));
    // client-go: ten buckets from 10 ns, by powers of ten, then +Inf.
    expect(buckets.at(-1)).toBe(Number.POSITIVE_INFINITY);
    expect(buckets.slice(0, -1)).toEqual(
      Array.from({ length: 10 }, (_, i) => expect.closeTo(1e-8 * 10 ** i, 12)),
    );
  });

  it('has zero-valued series for every known label set from the start', async () => {
    const parsed = parseMetrics(await new SyncerMetrics({ processMetrics: false }).metrics());
    for (const direction of ['down', 'up']) {
      for (const result of ['success', 'error']) {
        expect(value(parsed, 'syncer_sync_duration_seconds_count', { direction, result })).toBe(0);
      }
    }
    expect(
      family(parsed, 'syncer_sync_errors_total')
        .samples.map((s) => s.labels.type)
        .sort(),
    ).toEqual(Object.values(ErrorTypes).sort());
    expect(value(parsed, 'syncer_sync_errors_total', { type: 'Forbidden', severity: 'error' })).toBe(0);
    expect(value(parsed, 'syncer_connected', { side: 'upstream' })).toBe(0);
    expect(value(parsed, 'syncer_connected', { side: 'downstream' })).toBe(0);
    expect(value(parsed, 'syncer_heartbeats_total')).toBe(0);
  });

  it('exposes syncer_build_info with the version, Node version and platform', async () => {
    const metrics = new SyncerMetrics({ processMetrics: false });
    metrics.setBuildInfo({ version: '0.1.0' });
    metrics.setBuildInfo({ version: '0.2.0' });
    const parsed = parseMetrics(await metrics.metrics());
    expect(family(parsed, 'syncer_build_info').samples).toEqual([
      expect.objectContaining({
        labels: {
          version: '0.2.0',
          node_version: process.version,
          platform: `${process.platform}/${process.arch}`,
        },
        value: 1,
      }),
    ]);
  });

  it('spells resources as resource.version.group, the core group left out', () => {
    expect(resourceLabel(gvr('apps', 'v1', 'deployments'))).toBe('deployments.v1.apps');
    expect(resourceLabel(gvr('', 'v1', 'configmaps'))).toBe('configmaps.v1');
  });

  it('keeps each agent in its own registry, away from the global one', async () => {
    const a = new SyncerMetrics({ processMetrics: false });
    const b = new SyncerMetrics({ processMetrics: false });
    a.observeError('Gone', 'info');
    const parsedB = parseMetrics(await b.metrics());
    expect(value(parsedB, 'syncer_sync_errors_total', { type: 'Gone', severity: 'info' })).toBe(0);
    expect(await globalRegistry.getSingleMetric('syncer_sync_errors_total')).toBeUndefined();
  });

  it('adds process metrics on request', async () => {
    const withProcess = parseMetrics(await new SyncerMetrics({ processMetrics: true }).metrics());
    expect(withProcess.has('process_cpu_seconds_total')).toBe(true);
    const without = parseMetrics(await new SyncerMetrics({ processMetrics: false }).metrics());
    expect([...without.keys()].some((name) => name.startsWith('process_'))).toBe(false);
  });
});
