import { randomBytes } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { DOWNSTREAM_CLUSTER_LABEL, type KubeObject } from '@kcp-tmc/interfaces';
import { type KubeSimulator, placedNamespace, startKubeSimulator } from '@kcp-tmc/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CLI_BUILT,
  E2E_AGENT_FLAGS,
  KEY,
  ST_CLUSTER,
  ST_NAME,
  spawnAgent,
  started,
  syncLabels,
  waitFor,
} from './support.js';

// Issue 18's acceptance: no secret value or token in the logs at any verbosity. The agent runs as a process at
// -v 0 and at -v 10 (every line of -v 1..9 is printed at -v 10 too: a line is written when its level is at most
// -v) with bearer tokens in both kubeconfigs, a Secret synced and updated, and the Tunnel gate on, so the
// tunnel dials the upstream with the upstream token as its bearer.
const WORKSPACE = 'root:e2e:one';
const secret = (label: string) => `${label}-${randomBytes(12).toString('hex')}`;
const UPSTREAM_TOKEN = secret('upstream-token');
const DOWNSTREAM_TOKEN = secret('downstream-token');
const SECRET_VALUE = secret('secret-value');
const SECRET_VALUE_2 = secret('secret-value-two');
const STRING_VALUE = secret('string-data');
const b64 = (text: string) => Buffer.from(text).toString('base64');

/** A request with the simulator's token, trusting its CA when it serves TLS. */
function send(
  sim: KubeSimulator,
  path: string,
  method = 'GET',
  body?: unknown,
): Promise<{ status: number; json: KubeObject & { items?: KubeObject[] } }> {
  const url = new URL(`${sim.url}${path}`);
  const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method,
        ...(sim.caPem === undefined ? {} : { ca: sim.caPem }),
        headers: {
          authorization: `Bearer ${sim.token}`,
          'content-type': method === 'PATCH' ? 'application/merge-patch+json' : 'application/json',
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8').on('data', (chunk: string) => {
          text += chunk;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(text) }));
      },
    );
    req.on('error', reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

describe.skipIf(!CLI_BUILT)('no secret value or token in the agent logs', () => {
  let upstream: KubeSimulator;
  let downstream: KubeSimulator;
  beforeAll(async () => {
    upstream = await startKubeSimulator({
      kcp: { clusters: [ST_CLUSTER, WORKSPACE] },
      tls: true,
      token: UPSTREAM_TOKEN,
    });
    downstream = await startKubeSimulator({ tls: true, token: DOWNSTREAM_TOKEN });
    const sts = `/clusters/${ST_CLUSTER}/apis/workload.kcp.io/v1alpha1/synctargets`;
    const created = await send(upstream, sts, 'POST', {
      apiVersion: 'workload.kcp.io/v1alpha1',
      kind: 'SyncTarget',
      metadata: { name: ST_NAME },
    });
    expect(created.status).toBe(201);
    // On the upstream's own host: the agent dials it, sending the upstream token as its bearer.
    const tunnel = `${upstream.url}/services/syncer-tunnels/clusters/${ST_CLUSTER}/apis/workload.kcp.io/v1alpha1/synctargets/${ST_NAME}`;
    const patched = await send(upstream, `${sts}/${ST_NAME}/status`, 'PATCH', {
      status: { tunnelWorkspaces: [{ url: tunnel }] },
    });
    expect(patched.status).toBe(200);
    const namespace = await send(
      upstream,
      `/clusters/${WORKSPACE}/api/v1/namespaces`,
      'POST',
      placedNamespace('apps', KEY),
    );
    expect(namespace.status).toBe(201);
  }, 60_000);
  afterAll(async () => {
    await Promise.all([upstream?.stop(), downstream?.stop()]);
  });

  for (const verbosity of [0, 10]) {
    it(`at -v=${verbosity}`, async () => {
      const name = `creds-v${verbosity}`;
      const path = `/clusters/${WORKSPACE}/api/v1/namespaces/apps/secrets`;
      const created = await send(upstream, path, 'POST', {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name, labels: syncLabels() },
        data: { password: b64(SECRET_VALUE) },
        stringData: { note: STRING_VALUE },
      });
      expect(created.status).toBe(201);
      const agent = spawnAgent([
        'run',
        `--from-kubeconfig=${upstream.kubeconfigPath}`,
        `--from-cluster=${ST_CLUSTER}`,
        `--to-kubeconfig=${downstream.kubeconfigPath}`,
        `--sync-target-name=${ST_NAME}`,
        '--feature-gates=Tunnel=true',
        // The WebSocket tunnel: it dials the simulator (HTTP/1.1) and is answered 404; kcp's needs HTTP/2.
        '--tunnel=websocket',
        ...E2E_AGENT_FLAGS,
        `-v=${verbosity}`,
      ]);
      try {
        await started(agent, 60_000);
        const selector = encodeURIComponent(`${DOWNSTREAM_CLUSTER_LABEL}=${KEY}`);
        const copy = async () =>
          (await send(downstream, `/api/v1/secrets?labelSelector=${selector}`)).json.items?.find(
            (s) => s.metadata.name === name,
          ) as { data?: Record<string, string> } | undefined;
        await waitFor(
          async () => (await copy())?.data?.password === b64(SECRET_VALUE),
          'the Secret downstream',
        );
        const updated = await send(upstream, `${path}/${name}`, 'PATCH', {
          data: { password: b64(SECRET_VALUE_2) },
        });
        expect(updated.status).toBe(200);
        await waitFor(
          async () => (await copy())?.data?.password === b64(SECRET_VALUE_2),
          'the update downstream',
        );
        // The tunnel dialled with the upstream token (the simulator, serving no tunnel, answers 404 once the
        // token is accepted) and logged the failure before we look.
        await waitFor(
          () => agent.logs().some((l) => l.msg === 'tunnel dial failed' && l.status === 404),
          'a tunnel dial',
        );
        agent.child.kill('SIGTERM');
        expect((await agent.exited).code).toBe(0);
        const output = agent.stdout() + agent.stderr();
        if (verbosity === 10) expect(agent.logs().some((l) => (l.v as number) >= 6)).toBe(true);
        const leaks = [UPSTREAM_TOKEN, DOWNSTREAM_TOKEN, SECRET_VALUE, SECRET_VALUE_2, STRING_VALUE]
          .flatMap((s) => [s, b64(s)])
          .filter((s) => output.includes(s));
        expect(leaks).toEqual([]);
      } finally {
        agent.child.kill('SIGKILL');
      }
    }, 120_000);
  }
});
