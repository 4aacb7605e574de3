import type { ServerResponse } from 'node:http';
import type { Session } from 'node:inspector/promises';

/** Go's pprof default for /debug/pprof/profile. */
const DEFAULT_SECONDS = 30;
const MAX_SECONDS = 300;
/** V8's default sampling interval for the heap profiler (bytes). */
const HEAP_SAMPLING_INTERVAL = 32 * 1024;

const INDEX = `/debug/pprof/
  profile?seconds=N  CPU profile over N seconds (default ${DEFAULT_SECONDS}): a V8 .cpuprofile (Chrome DevTools, speedscope)
  heap               sampling heap profile of live allocations since profiling started: a V8 .heapprofile
`;

/**
 * controller-runtime's pprof endpoints for a Node process, through the in-process inspector: a CPU profile over
 * `seconds`, and the sampling heap profile V8 keeps from `start()` on (Go's heap profile is always on; V8's
 * sampler costs little at its default interval). One CPU profile at a time, as Go's /profile.
 */
export class Profiler {
  private session: Session | undefined;
  private cpuBusy = false;
  /** Ends a CPU profile's wait early: the agent is stopping. */
  private readonly wakers = new Set<() => void>();

  async start(): Promise<void> {
    if (this.session !== undefined) return;
    // Loaded when profiling starts: the inspector's modules are of no use to a process that never profiles.
    const { Session } = await import('node:inspector/promises');
    if (this.session !== undefined) return;
    const session = new Session();
    session.connect();
    this.session = session;
    await session.post('HeapProfiler.enable');
    await session.post('HeapProfiler.startSampling', { samplingInterval: HEAP_SAMPLING_INTERVAL });
  }

  async stop(): Promise<void> {
    const session = this.session;
    this.session = undefined;
    for (const wake of this.wakers) wake();
    if (session === undefined) return;
    await session.post('HeapProfiler.stopSampling').catch(() => {});
    session.disconnect();
  }

  /** Serves `/debug/pprof/<name>`; returns false when `name` is none of its endpoints. */
  async serve(name: string, query: URLSearchParams, res: ServerResponse): Promise<boolean> {
    const session = this.session;
    if (session === undefined) return false;
    if (name === '') {
      send(res, 200, INDEX, 'text/plain; charset=utf-8');
      return true;
    }
    if (name === 'heap') {
      const { profile } = await session.post('HeapProfiler.getSamplingProfile');
      send(res, 200, JSON.stringify(profile), 'application/json', 'heap.heapprofile');
      return true;
    }
    if (name !== 'profile') return false;
    const text = query.get('seconds') ?? String(DEFAULT_SECONDS);
    const seconds = Number(text);
    if (!Number.isFinite(seconds) || seconds <= 0 || seconds > MAX_SECONDS) {
      send(res, 400, `seconds: expected a number in (0, ${MAX_SECONDS}], got "${text}"\n`, 'text/plain');
      return true;
    }
    if (this.cpuBusy) {
      send(res, 409, 'a CPU profile is already being taken\n', 'text/plain');
      return true;
    }
    this.cpuBusy = true;
    try {
      await session.post('Profiler.enable');
      await session.post('Profiler.start');
      await new Promise<void>((resolve) => {
        const wake = () => {
          clearTimeout(timer);
          this.wakers.delete(wake);
          resolve();
        };
        const timer = setTimeout(wake, seconds * 1000);
        this.wakers.add(wake);
      });
      const { profile } = await session.post('Profiler.stop');
      await session.post('Profiler.disable');
      send(res, 200, JSON.stringify(profile), 'application/json', 'cpu.cpuprofile');
    } finally {
      this.cpuBusy = false;
    }
    return true;
  }
}

function send(res: ServerResponse, status: number, body: string, type: string, filename?: string): void {
  res.statusCode = status;
  res.setHeader('Content-Type', type);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  if (filename !== undefined) res.setHeader('Content-Disposition', `attachment; filename="${filename}"`);
  res.setHeader('Content-Length', Buffer.byteLength(body));
  res.end(body);
}
