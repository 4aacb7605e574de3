import { createInterface } from 'node:readline';
import type { Benchmark } from './registry.js';
import { Agent, httpRequest, httpStream, percentile, round, SimWorker } from './sim-support.js';

// Watch fan-out: N watchers over HTTP on one namespace while ConfigMaps are created at 1,000/s over HTTP.
// Latency = time a watcher parsed the event - time the create was sent (both on this thread's clock), so it
// includes the create request itself. Measured with 10 watchers and, in the same run, with 1 (the ratio).

const RATE = 1000;
const DURATION_MS = 4000;
const SENT_AT = 'bench.kcp-tmc.io/sent-at';
const SENT_AT_RE = /"bench\.kcp-tmc\.io\/sent-at":"([0-9.]+)"/;

interface Watcher {
  latencies: number[];
  stop: () => void;
}

async function openWatch(url: string, path: string, rv: string): Promise<Watcher> {
  const { res, abort } = await httpStream(`${url}${path}?watch=1&resourceVersion=${rv}`);
  const latencies: number[] = [];
  const lines = createInterface({ input: res });
  lines.on('line', (line) => {
    const now = performance.now();
    // Only the timestamp is needed: a regex keeps the client's cost per event small.
    const m = SENT_AT_RE.exec(line);
    const sent = m ? Number(m[1]) : Number.NaN;
    if (Number.isFinite(sent)) latencies.push(now - sent);
  });
  lines.on('error', () => undefined);
  res.on('error', () => undefined);
  return { latencies, stop: abort };
}

async function phase(url: string, watchers: number, namespace: string) {
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  await httpRequest(`${url}/api/v1/namespaces`, {
    method: 'POST',
    body: JSON.stringify({ metadata: { name: namespace } }),
  });
  const path = `/api/v1/namespaces/${namespace}/configmaps`;
  const list = await httpRequest(`${url}${path}`);
  const rv = (JSON.parse(list.body) as { metadata: { resourceVersion: string } }).metadata.resourceVersion;
  const open = await Promise.all(Array.from({ length: watchers }, () => openWatch(url, path, rv)));
  const total = (RATE * DURATION_MS) / 1000;
  let sent = 0;
  const inflight: Promise<void>[] = [];
  const start = performance.now();
  // Pace in 10 ms slots: send whatever the schedule says is due.
  while (sent < total) {
    const due = Math.min(total, Math.floor(((performance.now() - start) / 1000) * RATE));
    for (; sent < due; sent++) {
      const body = JSON.stringify({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: `ev-${sent}`, annotations: { [SENT_AT]: String(performance.now()) } },
        data: { i: String(sent) },
      });
      inflight.push(httpRequest(`${url}${path}`, { method: 'POST', body, agent }).then(() => undefined));
    }
    await new Promise((r) => setTimeout(r, 10));
  }
  await Promise.all(inflight);
  const sendMs = performance.now() - start;
  const deadline = Date.now() + 10_000;
  while (open.some((w) => w.latencies.length < total) && Date.now() < deadline)
    await new Promise((r) => setTimeout(r, 20));
  for (const w of open) w.stop();
  agent.destroy();
  const all = open.flatMap((w) => w.latencies).sort((a, b) => a - b);
  return {
    watchers,
    events: total,
    achievedRatePerSec: round(total / (sendMs / 1000), 0),
    delivered: all.length,
    expected: total * watchers,
    p50Ms: round(percentile(all, 50)),
    p99Ms: round(percentile(all, 99)),
    maxMs: round(all[all.length - 1] ?? 0),
  };
}

export const simWatchFanout: Benchmark = {
  name: 'sim-watch-fanout',
  description: `Watch event latency at ${RATE} creates/s over HTTP for ${DURATION_MS / 1000} s, 10 watchers vs 1 watcher`,
  async run() {
    const worker = new SimWorker();
    try {
      const { url } = await worker.send({ cmd: 'start' });
      await phase(url, 1, 'warmup');
      const one = await phase(url, 1, 'one');
      const ten = await phase(url, 10, 'ten');
      return {
        oneWatcher: one,
        tenWatchers: ten,
        p99TenToOneRatio: round(ten.p99Ms / Math.max(0.01, one.p99Ms)),
      };
    } finally {
      await worker.close();
    }
  },
};
