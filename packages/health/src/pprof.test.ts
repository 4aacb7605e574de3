import { afterEach, describe, expect, it } from 'vitest';
import { ComponentHealthManager } from './manager.js';
import { Profiler } from './pprof.js';
import { ProbeServer } from './server.js';

let server: ProbeServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function serve(profiler?: Profiler): Promise<string> {
  server = new ProbeServer({
    port: 0,
    health: new ComponentHealthManager([]),
    ...(profiler === undefined ? {} : { profiler }),
  });
  return (await server.start()).url;
}

/** Keeps the CPU busy so the profile has samples of it. */
function busy(ms: number): void {
  const until = Date.now() + ms;
  let x = 0;
  while (Date.now() < until) x += Math.sqrt(x + 1);
}

describe('pprof endpoints (controller-runtime style, on the probe server)', () => {
  it('GET /debug/pprof/profile?seconds=N returns a V8 .cpuprofile taken over N seconds', async () => {
    const url = await serve(new Profiler());
    const response = fetch(`${url}/debug/pprof/profile?seconds=0.3`);
    const ticker = setInterval(() => busy(20), 30);
    const res = await response.finally(() => clearInterval(ticker));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="cpu.cpuprofile"');
    const profile = (await res.json()) as {
      nodes: Array<{ id: number; callFrame: { functionName: string } }>;
      startTime: number;
      endTime: number;
      samples: number[];
    };
    // V8 times are in microseconds.
    expect(profile.endTime - profile.startTime).toBeGreaterThanOrEqual(250_000);
    expect(profile.samples.length).toBeGreaterThan(0);
    expect(profile.nodes.some((n) => n.callFrame.functionName === 'busy')).toBe(true);
  });

  it('GET /debug/pprof/heap returns a V8 sampling heap profile', async () => {
    const url = await serve(new Profiler());
    const kept = Array.from({ length: 2000 }, (_, i) => ({ i, text: `allocation ${i}`.repeat(20) }));
    const res = await fetch(`${url}/debug/pprof/heap`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="heap.heapprofile"');
    const profile = (await res.json()) as { head: { children: unknown[] }; samples: unknown[] };
    expect(profile.head.children.length).toBeGreaterThan(0);
    expect(profile.samples.length).toBeGreaterThan(0);
    expect(kept.length).toBe(2000);
  });

  it('answers 400 for a bad seconds, and lists the endpoints at /debug/pprof/', async () => {
    const url = await serve(new Profiler());
    for (const seconds of ['x', '0', '301']) {
      expect((await fetch(`${url}/debug/pprof/profile?seconds=${seconds}`)).status).toBe(400);
    }
    const index = await fetch(`${url}/debug/pprof/`);
    expect(index.status).toBe(200);
    expect(await index.text()).toContain('profile?seconds=N');
  });

  it('answers 404 without a profiler (profiling off)', async () => {
    const url = await serve();
    for (const path of ['/debug/pprof/', '/debug/pprof/profile?seconds=1', '/debug/pprof/heap']) {
      expect((await fetch(`${url}${path}`)).status).toBe(404);
    }
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
  });
});
