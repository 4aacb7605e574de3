import { readdirSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { round } from './sim-support.js';

// Pure measuring helpers of the real-server benchmark (unit-tested in real-measure.test.ts): request counters from
// a kube-apiserver's /metrics, CPU and RSS of a process from /proc.

/** `apiserver_request_total` summed by `<verb> <resource>` for the given resources (all codes, scopes, groups). */
export function requestCounts(metrics: string, resources: readonly string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const line of metrics.split('\n')) {
    if (!line.startsWith('apiserver_request_total{')) continue;
    const resource = /[{,]resource="([^"]*)"/.exec(line)?.[1];
    const verb = /[{,]verb="([^"]*)"/.exec(line)?.[1];
    if (resource === undefined || verb === undefined || !resources.includes(resource)) continue;
    const value = Number(line.slice(line.lastIndexOf(' ') + 1));
    // Refused requests (409s of writes racing kcp's controllers, 404s) apart: they cost the server but change nothing.
    const code = /[{,]code="([^"]*)"/.exec(line)?.[1] ?? '';
    const key = code === '' || code.startsWith('2') ? `${verb} ${resource}` : `${verb} ${resource} ${code}`;
    counts[key] = (counts[key] ?? 0) + value;
  }
  return counts;
}

/** What happened between two counter snapshots, divided by `per` (e.g. objects synced); zero rows dropped. */
export function countsPer(
  before: Record<string, number>,
  after: Record<string, number>,
  per: number,
): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [key, value] of Object.entries(after)) {
    const delta = value - (before[key] ?? 0);
    if (delta > 0) out[key] = Math.round((delta / per) * 1000) / 1000;
  }
  return out;
}

/** Writes that took effect (POST, PUT, PATCH, APPLY, DELETE answered 2xx) in a per-object count table. */
export function writesOf(perObject: Record<string, number>): number {
  let writes = 0;
  for (const [key, value] of Object.entries(perObject)) {
    if (/^(POST|PUT|PATCH|APPLY|DELETE|CREATE|UPDATE) [^ ]+$/.test(key)) writes += value;
  }
  return Math.round(writes * 1000) / 1000;
}

/** User + system CPU seconds from a /proc/<pid>/stat line (fields 14 and 15, after the command in parens). */
export function cpuSecondsOfStat(stat: string, ticksPerSecond = 100): number {
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3 (state), so utime (14) and stime (15) are fields[11] and fields[12].
  return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond;
}

/** The pids of the running processes started from the executable `path` (the first argument of their cmdline). */
export function pidsOf(path: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const argv0 = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0')[0];
      if (argv0 === path) pids.push(Number(entry));
    } catch {
      // Gone since the directory was read.
    }
  }
  return pids;
}

/** User + system CPU seconds of a set of processes, summed (one that is gone counts nothing). */
export function cpuSecondsOf(pids: readonly number[]): number {
  let seconds = 0;
  for (const pid of pids) {
    try {
      seconds += cpuSecondsOfStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
    } catch {
      // Gone: its CPU time is no longer readable.
    }
  }
  return seconds;
}

/** A process's resident memory in bytes: all of it, and its anonymous and file-backed parts. */
export interface ResidentMemory {
  rss: number;
  /** The heaps and stacks: what the process allocated. */
  anon: number;
  /** Pages of mapped files, mostly the executable and its libraries (Node's binary: V8, ICU data, its own JS). */
  file: number;
}

function statusKiB(status: string, field: string): number {
  return Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? Number.NaN) * 1024;
}

/** VmRSS in bytes from /proc/<pid>/status text. */
export function rssOfStatus(status: string): number {
  return statusKiB(status, 'VmRSS');
}

/** VmRSS, RssAnon and RssFile in bytes from /proc/<pid>/status text. */
export function memoryOfStatus(status: string): ResidentMemory {
  return { rss: rssOfStatus(status), anon: statusKiB(status, 'RssAnon'), file: statusKiB(status, 'RssFile') };
}

/** Samples a process's RSS (peak kept) every `everyMs`, and reads its CPU time on demand. */
export class ProcessSampler {
  private peak = 0;
  private peakAnon = 0;
  private readonly timer: NodeJS.Timeout;

  constructor(
    readonly pid: number,
    everyMs = 200,
  ) {
    this.timer = setInterval(() => this.rss(), everyMs);
    this.timer.unref();
  }

  rss(): number {
    return this.memory().rss;
  }

  /** RSS now, with its anonymous and file-backed parts (NaN once the process is gone). */
  memory(): ResidentMemory {
    try {
      const memory = memoryOfStatus(readFileSync(`/proc/${this.pid}/status`, 'utf8'));
      if (memory.rss > this.peak) this.peak = memory.rss;
      if (memory.anon > this.peakAnon) this.peakAnon = memory.anon;
      return memory;
    } catch {
      return { rss: Number.NaN, anon: Number.NaN, file: Number.NaN };
    }
  }

  cpuSeconds(): number {
    return cpuSecondsOfStat(readFileSync(`/proc/${this.pid}/stat`, 'utf8'));
  }

  /** The highest RSS and anonymous RSS sampled since the last call (then starts over). */
  takePeak(): { rss: number; anon: number } {
    const now = this.memory();
    const peak = { rss: Math.max(this.peak, now.rss), anon: Math.max(this.peakAnon, now.anon) };
    this.peak = 0;
    this.peakAnon = 0;
    return peak;
  }

  stop(): void {
    clearInterval(this.timer);
  }
}

export const MiB = (bytes: number) => Math.round((bytes / 2 ** 20) * 10) / 10;

/** The 1-minute load average, rounded: recorded with every phase (the machine is shared). */
export const load1 = () => Math.round((loadavg()[0] ?? 0) * 100) / 100;

/**
 * The `n` slowest changes, each with its latency, how long the upstream took to answer it and when it was sent (s
 * after the first): a change held up in the upstream shows in its answer time; stalls that recur at a period (a
 * heartbeat, a poll) or come together (a pause of the process) show in the times.
 */
export function slowestChanges(
  sentAt: ReadonlyMap<string, number>,
  seenAt: ReadonlyMap<string, number>,
  answeredAt: ReadonlyMap<string, number>,
  n: number,
): { ms: number; answerMs: number; atS: number }[] {
  const first = Math.min(...sentAt.values());
  const changes: { ms: number; answerMs: number; atS: number }[] = [];
  for (const [seq, at] of sentAt) {
    const seen = seenAt.get(seq);
    if (seen === undefined) continue;
    const answered = answeredAt.get(seq) ?? Number.NaN;
    changes.push({
      ms: round(seen - at, 1),
      answerMs: round(answered - at, 1),
      atS: round((at - first) / 1000, 1),
    });
  }
  return changes.sort((a, b) => b.ms - a.ms).slice(0, n);
}
