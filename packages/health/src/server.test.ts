import type { HealthManager, HealthReport } from '@kcp-tmc/interfaces';
import { SyncerMetrics } from '@kcp-tmc/metrics';
import { parseMetrics, value } from '@kcp-tmc/testing/kit';
import { afterEach, describe, expect, it } from 'vitest';
import { pingCheck } from './checks.js';
import { ComponentHealthManager } from './manager.js';
import { ProbeServer, type ProbeServerOptions } from './server.js';

let server: ProbeServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function serve(options: Omit<ProbeServerOptions, 'port'>): Promise<string> {
  server = new ProbeServer({ port: 0, ...options });
  return (await server.start()).url;
}

async function get(
  url: string,
  init?: RequestInit,
): Promise<{ status: number; body: string; type: string | null }> {
  const response = await fetch(url, init);
  return { status: response.status, body: await response.text(), type: response.headers.get('content-type') };
}

function managerWith(downstreamUp: () => boolean): ComponentHealthManager {
  return new ComponentHealthManager([
    pingCheck(),
    {
      name: 'downstream',
      endpoints: ['healthz', 'readyz'],
      check: () => (downstreamUp() ? { healthy: true } : { healthy: false, message: 'connect ECONNREFUSED' }),
    },
    { name: 'work-queue', endpoints: ['livez'], check: () => ({ healthy: true }) },
  ]);
}

describe('ProbeServer', () => {
  it('binds to 127.0.0.1 by default', async () => {
    server = new ProbeServer({ port: 0, health: managerWith(() => true) });
    const { host, url } = await server.start();
    expect(host).toBe('127.0.0.1');
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('answers "ok" when healthy and lists each check with ?verbose, as kube-apiserver does', async () => {
    const url = await serve({ health: managerWith(() => true) });
    expect(await get(`${url}/readyz`)).toEqual({
      status: 200,
      body: 'ok',
      type: 'text/plain; charset=utf-8',
    });
    expect((await get(`${url}/readyz?verbose`)).body).toBe(
      '[+]ping ok\n[+]downstream ok\nreadyz check passed\n',
    );
    expect((await get(`${url}/livez?verbose=true`)).body).toBe(
      '[+]ping ok\n[+]work-queue ok\nlivez check passed\n',
    );
  });

  it('answers 500 with every check listed when one fails', async () => {
    let up = false;
    const url = await serve({ health: managerWith(() => up) });
    const down = await get(`${url}/readyz`);
    expect(down.status).toBe(500);
    expect(down.body).toBe('[+]ping ok\n[-]downstream failed: connect ECONNREFUSED\nreadyz check failed\n');
    expect((await get(`${url}/livez`)).status).toBe(200);
    up = true;
    expect((await get(`${url}/readyz`)).status).toBe(200);
  });

  it('withholds reasons when asked', async () => {
    const url = await serve({ health: managerWith(() => false), withholdReasons: true });
    expect((await get(`${url}/healthz`)).body).toContain('[-]downstream failed: reason withheld\n');
  });

  it('honours ?exclude and warns about names that match nothing', async () => {
    const url = await serve({ health: managerWith(() => false) });
    const result = await get(`${url}/readyz?verbose&exclude=downstream&exclude=nope`);
    expect(result.status).toBe(200);
    expect(result.body).toBe(
      '[+]ping ok\n[+]downstream excluded: ok\nwarn: some health checks cannot be excluded: no matches for "nope"\nreadyz check passed\n',
    );
  });

  it('runs one check at /<endpoint>/<name>', async () => {
    const url = await serve({ health: managerWith(() => false) });
    expect(await get(`${url}/readyz/ping`)).toMatchObject({ status: 200, body: 'ok' });
    expect(await get(`${url}/readyz/downstream`)).toMatchObject({
      status: 500,
      body: 'internal server error: connect ECONNREFUSED\n',
    });
    expect((await get(`${url}/livez/downstream`)).status).toBe(404);
  });

  it('works with any HealthManager, exclusion included', async () => {
    const minimal: HealthManager = {
      register: () => {},
      unregister: () => false,
      evaluate: async (): Promise<HealthReport> => ({
        healthy: false,
        checks: [{ name: 'x', healthy: false, message: 'bad' }],
      }),
    };
    const url = await serve({ health: minimal });
    expect((await get(`${url}/healthz`)).body).toBe('[-]x failed: bad\nhealthz check failed\n');
    expect((await get(`${url}/healthz?exclude=x`)).status).toBe(200);
  });

  it('serves /metrics from the registry, parseable, and 404/405 elsewhere', async () => {
    const metrics = new SyncerMetrics({ processMetrics: false });
    metrics.observeError('Timeout', 'warning');
    const url = await serve({ metrics });
    const scraped = await get(`${url}/metrics`);
    expect(scraped.status).toBe(200);
    expect(scraped.type).toBe(metrics.contentType);
    expect(value(parseMetrics(scraped.body), 'syncer_sync_errors_total', { type: 'Timeout' })).toBe(1);
    expect((await get(`${url}/healthz`)).status).toBe(404); // no health manager given
    expect((await get(`${url}/metrics/x`)).status).toBe(404);
    expect((await get(`${url}/metrics`, { method: 'POST' })).status).toBe(405);
  });
});
