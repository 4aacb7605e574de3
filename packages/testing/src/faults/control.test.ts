import { afterEach, describe, expect, it } from 'vitest';
import { runKubeSim } from '../bin/cli.js';
import { RawClient } from '../conformance/client.js';
import { parseFaultOptions } from './parse.js';

type Started = NonNullable<Awaited<ReturnType<typeof runKubeSim>>>;

describe('kube-sim fault flags and control endpoint', () => {
  let started: Started | undefined;
  afterEach(async () => {
    await started?.control?.close();
    await started?.sim.stop();
    started = undefined;
  });

  const control = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${started!.control!.url}${path}`, {
      method,
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    return { status: res.status, json: (await res.json()) as Record<string, unknown> };
  };

  it('injects the faults given at start, then takes new ones and a partition from the endpoint', async () => {
    const faults =
      '{"seed": 7, "rules": [{"verb": "list", "resource": "configmaps", "status": 503, "rate": 1, "retryAfterSeconds": 3}]}';
    started = await runKubeSim(['--faults', faults, '--fault-control-port', '0']);
    expect(started?.banner.at(-1)).toBe(`fault control: ${started?.control?.url}/faults`);
    const client = new RawClient(started!.sim.kubeconfig);
    const refused = await client.request('GET', '/api/v1/namespaces/default/configmaps');
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('3');
    expect((await client.request('GET', '/api/v1/namespaces/default/secrets')).status).toBe(200);

    const replaced = await control('PUT', '/faults', { rules: [{ verb: 'get', status: 429, rate: 1 }] });
    expect(replaced.json.rules).toEqual([{ verb: 'get', status: 429, rate: 1 }]);
    expect((await client.request('GET', '/api/v1/namespaces/default/configmaps')).status).toBe(200);
    expect((await client.request('GET', '/api/v1/namespaces/default')).status).toBe(429);
    expect((await control('DELETE', '/faults/rules')).json.rules).toEqual([]);
    expect((await client.request('GET', '/api/v1/namespaces/default')).status).toBe(200);

    // A refused partition closes the API listener; the control endpoint, on its own, heals it.
    expect((await control('POST', '/faults/partition?mode=refuse')).json.partitioned).toBe('refuse');
    await expect(client.request('GET', '/api/v1/namespaces/default')).rejects.toThrow();
    expect((await control('POST', '/faults/heal')).json.partitioned).toBeNull();
    expect((await client.request('GET', '/api/v1/namespaces/default')).status).toBe(200);
  });

  it('refuses bad input with the field that is wrong, and leaves the faults as they were', async () => {
    await expect(runKubeSim(['--faults', '{"rules": [{"status": 404, "rate": 1}]}'])).rejects.toThrow(
      '--faults: faults.rules[0].status: must be 429, 500 or 503, got 404',
    );
    await expect(runKubeSim(['--faults', '/nonexistent/faults.json'])).rejects.toThrow(
      '--faults: cannot read /nonexistent/faults.json: ENOENT',
    );
    await expect(runKubeSim(['--fault-control-port', 'x'])).rejects.toThrow('invalid --fault-control-port');
    started = await runKubeSim(['--faults', '{"latency": 1}', '--fault-control-port', '0']);
    const bad = await control('POST', '/faults/rules', { status: 503, rate: 2 });
    expect(bad.status).toBe(400);
    expect(bad.json.error).toBe('rule.rate: must be a number within [0, 1], got 2');
    expect((await control('PUT', '/faults/latency', { min: 5, max: 1 })).status).toBe(400);
    expect((await control('POST', '/faults/partition?mode=sideways')).status).toBe(400);
    expect((await control('GET', '/faults/nope')).status).toBe(404);
    expect((await control('DELETE', '/faults')).status).toBe(405);
    expect((await control('GET', '/faults')).json).toMatchObject({
      latency: 1,
      rules: [],
      partitioned: null,
    });
  });
});

describe('parseFaultOptions', () => {
  it('reads every field and rejects unknown ones', () => {
    expect(
      parseFaultOptions(
        '{"seed": 3, "latency": {"min": 1, "max": 5}, "rules": [{"resource": "deployments.apps", "status": 500, "rate": 0.5}]}',
      ),
    ).toEqual({
      seed: 3,
      latency: { min: 1, max: 5 },
      rules: [{ resource: 'deployments.apps', status: 500, rate: 0.5 }],
    });
    expect(() => parseFaultOptions('{"rule": []}')).toThrow('faults: unknown field "rule"');
    expect(() => parseFaultOptions('[')).toThrow('faults: not JSON');
    expect(() =>
      parseFaultOptions('{"rules": [{"status": 503, "rate": 1, "retryAfterSeconds": 1.5}]}'),
    ).toThrow('faults.rules[0].retryAfterSeconds: must be an integer');
  });
});
