import { existsSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { HttpMethod, IsomorphicFetchHttpLibrary, KubeConfig, RequestContext } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it, type TestContext } from 'vitest';
import { RealApiserverUnavailableError } from './errors.js';
import { getOnce } from './https-get.js';
import { type RealKubeApiserver, startRealKubeApiserver } from './kube-apiserver.js';

// A cold Go build of the binaries happens on first use; its cost is measured and reported, not asserted.
const BUILD_TIMEOUT_MS = 45 * 60_000;
const CONTROLLER_DEADLINE_MS = 60_000;

const pinnedVersion = /^\s*k8s\.io\/kubernetes (v\d+\.\d+\.\d+)$/m.exec(
  readFileSync(fileURLToPath(new URL('../../../../tools/kube-bins/go.mod', import.meta.url)), 'utf8'),
)?.[1];

let upstream: RealKubeApiserver | undefined;
let unavailable: string | undefined;

beforeAll(async () => {
  try {
    upstream = await startRealKubeApiserver({ controllerManager: true });
  } catch (error) {
    if (!(error instanceof RealApiserverUnavailableError)) {
      throw error;
    }
    unavailable = `real kube-apiserver unavailable (${error.reason}): ${error.message}`;
    console.warn(`skipping real-apiserver tests: ${unavailable}`);
  }
}, BUILD_TIMEOUT_MS);

afterAll(async () => {
  await upstream?.stop();
});

function started(ctx: TestContext): RealKubeApiserver {
  if (!upstream) {
    return ctx.skip(unavailable ?? 'real kube-apiserver did not start');
  }
  return upstream;
}

/**
 * Raw JSON over client-node's own fetch (undici, with the Agent its KubeConfig builds for the CA and
 * credentials): the same transport the kube package uses, with no typed models in between.
 */
async function kubeFetch(
  kubeconfig: string,
  method: 'GET' | 'POST' | 'DELETE',
  path: string,
  body?: unknown,
): Promise<{ status: number; json: Record<string, unknown>; text: string }> {
  const kc = new KubeConfig();
  kc.loadFromString(kubeconfig);
  const request = new RequestContext(`${kc.getCurrentCluster()?.server}${path}`, HttpMethod[method]);
  await kc.applySecurityAuthentication(request);
  request.setHeaderParam('accept', 'application/json');
  if (body !== undefined) {
    request.setHeaderParam('content-type', 'application/json');
    request.setBody(JSON.stringify(body));
  }
  const response = await new IsomorphicFetchHttpLibrary().send(request).toPromise();
  const text = await response.body.text();
  const json = response.headers['content-type']?.includes('json') ? JSON.parse(text) : {};
  return { status: response.httpStatusCode, json: json as Record<string, unknown>, text };
}

/** Polls `path` until it answers 404, or fails with the last object seen when `deadlineMs` passes. */
async function expectGone(kubeconfig: string, path: string, deadlineMs: number): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  let last: unknown;
  while (Date.now() < deadline) {
    const answer = await kubeFetch(kubeconfig, 'GET', path);
    if (answer.status === 404) {
      return;
    }
    last = answer.json;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  expect.fail(`${path} still exists after ${deadlineMs} ms: ${JSON.stringify(last)}`);
}

describe('startRealKubeApiserver', () => {
  it('serves /version with the Kubernetes version pinned in tools/kube-bins/go.mod', async (ctx) => {
    const { kubeconfig } = started(ctx);
    expect(pinnedVersion).toMatch(/^v1\.\d+\.\d+$/);
    const { status, json } = await kubeFetch(kubeconfig, 'GET', '/version');
    expect(status).toBe(200);
    expect(json.gitVersion).toBe(pinnedVersion);
  });

  it('creates a namespace and a ConfigMap in it, and reads the ConfigMap back', async (ctx) => {
    const { kubeconfig } = started(ctx);
    const namespace = await kubeFetch(kubeconfig, 'POST', '/api/v1/namespaces', {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'real-crud' },
    });
    expect(namespace.status).toBe(201);

    const created = await kubeFetch(kubeconfig, 'POST', '/api/v1/namespaces/real-crud/configmaps', {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'settings', labels: { app: 'real' } },
      data: { mode: 'strict' },
    });
    expect(created.status).toBe(201);
    const read = await kubeFetch(kubeconfig, 'GET', '/api/v1/namespaces/real-crud/configmaps/settings');
    expect(read.status).toBe(200);
    expect(read.json.data).toEqual({ mode: 'strict' });
    expect(read.json.metadata).toMatchObject({ namespace: 'real-crud', labels: { app: 'real' } });
    expect((read.json.metadata as { resourceVersion?: string }).resourceVersion).toMatch(/^\d+$/);
  });

  it('finishes namespace deletion and ownerReference cascades (kube-controller-manager runs)', async (ctx) => {
    const { kubeconfig } = started(ctx);
    const base = '/api/v1/namespaces/real-controllers/configmaps';
    await kubeFetch(kubeconfig, 'POST', '/api/v1/namespaces', { metadata: { name: 'real-controllers' } });
    const owner = await kubeFetch(kubeconfig, 'POST', base, { metadata: { name: 'owner' } });
    expect(owner.status).toBe(201);
    const ownerUid = (owner.json.metadata as { uid: string }).uid;
    const dependent = await kubeFetch(kubeconfig, 'POST', base, {
      metadata: {
        name: 'dependent',
        ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'owner', uid: ownerUid }],
      },
    });
    expect(dependent.status).toBe(201);

    // The garbage collector deletes dependents of a deleted owner; a bare apiserver never does.
    expect((await kubeFetch(kubeconfig, 'DELETE', `${base}/owner`)).status).toBe(200);
    await expectGone(kubeconfig, `${base}/dependent`, CONTROLLER_DEADLINE_MS);

    // The namespace controller empties a terminating namespace and removes its finalizer.
    expect((await kubeFetch(kubeconfig, 'DELETE', '/api/v1/namespaces/real-controllers')).status).toBe(200);
    await expectGone(kubeconfig, '/api/v1/namespaces/real-controllers', CONTROLLER_DEADLINE_MS);
  });

  it('runs a second, independent control plane beside the first and cleans it up on stop', async (ctx) => {
    const first = started(ctx);
    const second = await startRealKubeApiserver();
    try {
      expect(second.url).not.toBe(first.url);
      await kubeFetch(second.kubeconfig, 'POST', '/api/v1/namespaces', {
        metadata: { name: 'only-downstream' },
      });
      expect((await kubeFetch(second.kubeconfig, 'GET', '/api/v1/namespaces/only-downstream')).status).toBe(
        200,
      );
      expect((await kubeFetch(first.kubeconfig, 'GET', '/api/v1/namespaces/only-downstream')).status).toBe(
        404,
      );
    } finally {
      await second.stop();
    }
    expect(existsSync(dirname(second.kubeconfigPath))).toBe(false);
    expect(await getOnce(`${second.url}/readyz`, { ca: second.caCertPem, timeoutMs: 1_000 })).toBeUndefined();
    // The first one is untouched by the second one's stop.
    expect(await kubeFetch(first.kubeconfig, 'GET', '/readyz')).toMatchObject({ status: 200, text: 'ok' });
  });
});
