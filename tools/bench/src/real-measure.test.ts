import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import {
  countsPer,
  cpuSecondsOf,
  cpuSecondsOfStat,
  memoryOfStatus,
  pidsOf,
  requestCounts,
  rssOfStatus,
  slowestChanges,
  writesOf,
} from './real-measure.js';
import { realSizes } from './real-sizes.js';

const METRICS = `# HELP apiserver_request_total Counter
apiserver_request_total{code="201",component="apiserver",dry_run="",group="",resource="configmaps",scope="resource",subresource="",verb="POST",version="v1"} 10
apiserver_request_total{code="409",component="apiserver",dry_run="",group="",resource="configmaps",scope="resource",subresource="",verb="POST",version="v1"} 2
apiserver_request_total{code="200",component="apiserver",dry_run="",group="",resource="configmaps",scope="resource",subresource="",verb="APPLY",version="v1"} 5
apiserver_request_total{code="200",component="apiserver",dry_run="",group="",resource="secrets",scope="resource",subresource="",verb="GET",version="v1"} 7
apiserver_request_total_other{resource="configmaps",verb="GET"} 99
`;

describe('real-server benchmark measures', () => {
  it('lists the slowest changes, slowest first, with the upstream answer time and when each was sent', () => {
    const sent = new Map([
      ['a', 1000],
      ['b', 1100],
      ['c', 1200],
      ['d', 3500],
    ]);
    const seen = new Map([
      ['a', 1010],
      ['b', 1150.04],
      ['c', 1209],
    ]);
    const answered = new Map([
      ['a', 1002],
      ['b', 1140.5],
    ]);
    expect(slowestChanges(sent, seen, answered, 2)).toEqual([
      { ms: 50, answerMs: 40.5, atS: 0.1 },
      { ms: 10, answerMs: 2, atS: 0 },
    ]);
    // A change never seen is not a sample; one never answered has no answer time.
    expect(slowestChanges(sent, seen, answered, 5)).toEqual([
      { ms: 50, answerMs: 40.5, atS: 0.1 },
      { ms: 10, answerMs: 2, atS: 0 },
      { ms: 9, answerMs: Number.NaN, atS: 0.2 },
    ]);
  });

  it("reads a process's RSS and its anonymous and file-backed parts from /proc/<pid>/status", () => {
    const status =
      'Name:\tnode\nVmRSS:\t   90788 kB\nRssAnon:\t   38548 kB\nRssFile:\t   52240 kB\nRssShmem:\t       0 kB\n';
    expect(memoryOfStatus(status)).toEqual({ rss: 90788 * 1024, anon: 38548 * 1024, file: 52240 * 1024 });
    expect(memoryOfStatus('Name:\tgone\n').anon).toBeNaN();
  });

  it('sums apiserver_request_total by verb and resource, for the resources asked, refusals apart', () => {
    expect(requestCounts(METRICS, ['configmaps'])).toEqual({
      'POST configmaps': 10,
      'POST configmaps 409': 2,
      'APPLY configmaps': 5,
    });
  });

  it('divides counter deltas by the objects synced and counts the writes', () => {
    const before = { 'POST configmaps': 12, 'GET configmaps': 4 };
    const after = { 'POST configmaps': 212, 'GET configmaps': 4, 'APPLY configmaps': 10 };
    const per = countsPer(before, after, 200);
    expect(per).toEqual({ 'POST configmaps': 1, 'APPLY configmaps': 0.05 });
    expect(writesOf({ ...per, 'GET configmaps': 3, 'LIST configmaps': 1, 'PUT configmaps 409': 2 })).toBe(
      1.05,
    );
  });

  it('reads CPU seconds and RSS from /proc text (a command with spaces and parens)', () => {
    const stat = '4242 (node (x) y) S 1 2 3 4 5 6 7 8 9 10 250 50 0 0 20 0 11';
    expect(cpuSecondsOfStat(stat)).toBe(3);
    expect(rssOfStatus('Name:\tnode\nVmRSS:\t  2048 kB\n')).toBe(2048 * 1024);
  });

  it('finds server processes by their executable and sums their CPU time, a gone one counting nothing', async () => {
    const child = spawn('/bin/sleep', ['30'], { stdio: 'ignore' });
    try {
      expect(pidsOf('/bin/sleep')).toContain(child.pid);
      expect(pidsOf('/bin/no-such-server')).toEqual([]);
      // This process has run the test runner: more than a tick of CPU time.
      expect(cpuSecondsOf([child.pid as number, process.pid])).toBeGreaterThan(0.01);
    } finally {
      child.kill('SIGKILL');
      await once(child, 'exit');
    }
    expect(cpuSecondsOf([child.pid as number])).toBe(0);
  });

  it('takes a size preset and single overrides from flags', () => {
    expect(realSizes([]).objects).toBe(300);
    const full = realSizes(['--size=full', '--initial=5000', 'other']);
    expect([full.objects, full.initial, full.initialNamespaces]).toEqual([1000, 5000, 100]);
    expect(() => realSizes(['--size=huge'])).toThrow(/quick, full or deployed/);
    expect(() => realSizes(['--objects=0'])).toThrow(/positive integer/);
    // kcp's generated rate limits: burst apart from qps; unset, it follows qps.
    const generated = realSizes(['--qps=20', '--burst=30']);
    expect([generated.qps, generated.burst]).toEqual([20, 30]);
    expect(realSizes(['--qps=20']).burst).toBeUndefined();
    const deployed = realSizes(['--size=deployed']);
    expect([deployed.qps, deployed.burst, deployed.objects]).toEqual([20, 30, 1000]);
  });
});
