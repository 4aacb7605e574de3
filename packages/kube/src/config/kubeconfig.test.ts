import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gvr, TmcError } from '@kcp-tmc/interfaces';
import { type KubeSimulator, startKubeSimulator } from '@kcp-tmc/testing';
import { KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { clientFor } from '../../test/support/clients.js';
import { usersKubeconfig } from '../../test/support/kubeconfigs.js';
import { DynamicClient } from '../client/dynamic-client.js';
import { RestMapper } from '../discovery/rest-mapper.js';
import { Transport } from '../http/transport.js';
import type { ClientNodeCredentials } from './client-node-auth.js';
import { ClusterConnection, hasStaticCredentials, loadKubeConfig, type RequestAuth } from './kubeconfig.js';

const namespaces = gvr('', 'v1', 'namespaces');
const TOKEN = 'the-right-token';

let sim: KubeSimulator;
let dir: string;

beforeAll(async () => {
  sim = await startKubeSimulator({ token: TOKEN });
  dir = await mkdtemp(join(tmpdir(), 'kube-auth-'));
});
afterAll(async () => {
  await sim?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** A kubeconfig (JSON is YAML) with one context per user, all pointing at the simulator. */
const kubeconfig = (users: Record<string, Record<string, unknown>>, current: string) =>
  usersKubeconfig({ url: sim.url }, users, current);

async function listNamespaces(config: string): Promise<string[]> {
  const t = clientFor(config);
  try {
    const list = await t.client.list(namespaces);
    return list.items.map((o) => o.metadata.name as string);
  } finally {
    await t.close();
  }
}

describe('kubeconfig authentication', () => {
  // The cluster entry is plain http:// without insecure-skip-tls-verify, which client-node alone refuses.
  it('sends the bearer token of the current context over plain HTTP', async () => {
    expect(await listNamespaces(kubeconfig({ good: { token: TOKEN } }, 'good'))).toContain('default');
  });

  it('fails with a typed 401 on a wrong token', async () => {
    const t = clientFor(kubeconfig({ bad: { token: 'wrong' } }, 'bad'));
    try {
      const err = await t.client.list(namespaces).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(TmcError);
      expect((err as TmcError).type).toBe('Unauthorized');
      expect((err as TmcError).status).toBe(401);
    } finally {
      await t.close();
    }
  });

  it('selects a context by name, and refuses an unknown one', async () => {
    const config = kubeconfig({ bad: { token: 'wrong' }, good: { token: TOKEN } }, 'bad');
    const kc = loadKubeConfig({ kubeconfig: config, context: 'good' });
    const connection = new ClusterConnection(kc);
    try {
      const auth = await connection.authenticate(new URL('/api', sim.url), 'GET');
      expect(auth.headers.Authorization).toBe(`Bearer ${TOKEN}`);
    } finally {
      await connection.close();
    }
    expect(() => loadKubeConfig({ kubeconfig: config, context: 'nope' })).toThrow(/no context "nope"/);
  });

  it('loads from a file', async () => {
    const kc = loadKubeConfig({ file: sim.kubeconfigPath });
    expect(kc.getCurrentCluster()?.server).toBe(sim.url);
  });

  it('runs an exec credential plugin and uses the token it returns', async () => {
    const counter = join(dir, 'calls');
    const config = kubeconfig({ plugin: await execUser('credential', counter) }, 'plugin');
    expect(await listNamespaces(config)).toContain('default');
    expect(await readFile(counter, 'utf8')).toMatch(/^x+$/);
  });

  it('reuses one connection pool across requests (our loader)', async () => {
    const connection = new ClusterConnection(loadKubeConfig({ kubeconfig: sim.kubeconfig }));
    try {
      const first = await connection.authenticate(new URL('/api', sim.url), 'GET');
      const second = await connection.authenticate(new URL('/apis', sim.url), 'POST');
      expect(first.agent).toBeDefined();
      expect(second.agent).toBe(first.agent);
    } finally {
      await connection.close();
    }
  });

  it('sends requests to another base URL with the same credentials', async () => {
    const t = clientFor(kubeconfig({ good: { token: TOKEN } }, 'good'), {
      connection: { server: `${sim.url}/` },
    });
    try {
      expect(t.connection.baseUrl.href).toBe(`${sim.url}/`);
      const list = await t.client.list(namespaces);
      expect(list.items.length).toBeGreaterThan(0);
    } finally {
      await t.close();
    }
  });
});

/** An exec plugin that prints TOKEN and appends an `x` to `counter` per run. */
async function execUser(name: string, counter: string): Promise<Record<string, unknown>> {
  const script = join(dir, `${name}.mjs`);
  await writeFile(
    script,
    `import { appendFileSync } from 'node:fs';
appendFileSync(${JSON.stringify(counter)}, 'x');
process.stdout.write(JSON.stringify({
  apiVersion: 'client.authentication.k8s.io/v1',
  kind: 'ExecCredential',
  status: { token: ${JSON.stringify(TOKEN)} },
}));
`,
  );
  return {
    exec: {
      apiVersion: 'client.authentication.k8s.io/v1',
      command: process.execPath,
      args: [script],
      interactiveMode: 'Never',
    },
  };
}

describe('credential resolution per request', () => {
  const N = 10;

  /** The client-node KubeConfig authenticating a connection's requests. */
  function clientNodeOf(connection: ClusterConnection): Promise<KubeConfig> {
    return (connection.credentials as ClientNodeCredentials).kubeConfig();
  }

  /**
   * Counts client-node's authentication over N gets through the whole client (N + 1 HTTP requests, with
   * discovery), then two more authentications.
   */
  async function authenticationsFor(config: string): Promise<{ calls: number; auth: unknown[] }> {
    const t = clientFor(config);
    try {
      const spy = vi.spyOn(await clientNodeOf(t.connection), 'applyToHTTPSOptions');
      for (let i = 0; i < N; i++) await t.client.get(namespaces, { name: 'default' });
      const url = new URL('/api', sim.url);
      const auth = [await t.connection.authenticate(url, 'GET'), await t.connection.authenticate(url, 'PUT')];
      return { calls: spy.mock.calls.length, auth };
    } finally {
      await t.close();
    }
  }

  it('resolves a static token once and hands out the same frozen headers and pool', async () => {
    const { calls, auth } = await authenticationsFor(kubeconfig({ good: { token: TOKEN } }, 'good'));
    expect(calls).toBe(1);
    const [first, second] = auth as [RequestAuth, RequestAuth];
    expect(second).toBe(first);
    expect(first.headers.Authorization).toBe(`Bearer ${TOKEN}`);
    expect(Object.isFrozen(first.headers)).toBe(true);
  });

  it('resolves client certificates, basic auth and no credentials once too', async () => {
    expect(hasStaticCredentials(loadKubeConfig({ kubeconfig: sim.kubeconfig }))).toBe(true);
    const config = kubeconfig(
      {
        basic: { username: 'u', password: 'p' },
        none: {},
        cert: { 'client-certificate': join(dir, 'tls.crt'), 'client-key': join(dir, 'tls.key') },
      },
      'none',
    );
    for (const context of ['basic', 'none', 'cert']) {
      expect(hasStaticCredentials(loadKubeConfig({ kubeconfig: config, context }))).toBe(true);
    }
    // Our loader: resolved by our own code, once for any number of concurrent requests.
    const basic = new ClusterConnection(loadKubeConfig({ kubeconfig: config, context: 'basic' }));
    try {
      const url = new URL('/api', sim.url);
      const all = await Promise.all(Array.from({ length: N }, () => basic.authenticate(url, 'GET')));
      expect(new Set(all).size).toBe(1);
      expect(Object.isFrozen(all[0]?.headers)).toBe(true);
      expect(all[0]?.headers.Authorization).toBe(`Basic ${Buffer.from('u:p').toString('base64')}`);
    } finally {
      await basic.close();
    }
    await expect(basic.authenticate(new URL('/api', sim.url), 'GET')).rejects.toThrow(/closed/);
  });

  it('does not remember a failure: a missing certificate file is read again on the next request', async () => {
    const crt = join(dir, 'late.crt');
    const config = kubeconfig({ cert: { 'client-certificate': crt, 'client-key-data': 'a2V5' } }, 'cert');
    const connection = new ClusterConnection(loadKubeConfig({ kubeconfig: config }));
    try {
      const url = new URL('/api', sim.url);
      await expect(connection.authenticate(url, 'GET')).rejects.toThrow(/ENOENT/);
      await writeFile(crt, 'not really a certificate');
      const auth = await connection.authenticate(url, 'GET');
      expect(auth.agent).toBeDefined();
      expect(await connection.authenticate(url, 'GET')).toBe(auth);
    } finally {
      await connection.close();
    }
  });

  it('runs an exec plugin for every request, so its tokens refresh', async () => {
    const counter = join(dir, 'per-request-calls');
    const { calls, auth } = await authenticationsFor(
      kubeconfig({ plugin: await execUser('per-request', counter) }, 'plugin'),
    );
    expect(calls).toBe(N + 1 + 2);
    const [first, second] = auth as [RequestAuth, RequestAuth];
    expect(second).not.toBe(first);
    expect(second.agent).toBe(first.agent);
    expect(second.headers.Authorization).toBe(`Bearer ${TOKEN}`);
  });

  it('treats auth providers (the in-cluster token file) and custom authenticators as dynamic', () => {
    const config = kubeconfig(
      { file: { 'auth-provider': { name: 'tokenFile', config: { tokenFile: join(dir, 'token') } } } },
      'file',
    );
    expect(hasStaticCredentials(loadKubeConfig({ kubeconfig: config }))).toBe(false);
    const custom = new KubeConfig();
    custom.loadFromString(kubeconfig({ good: { token: TOKEN } }, 'good'));
    custom.addAuthenticator({ isAuthProvider: () => true, applyAuthentication: async () => {} });
    expect(hasStaticCredentials(loadKubeConfig({ kubeConfig: custom }))).toBe(false);
  });
});

describe('in-cluster configuration', () => {
  it('uses the service account token and CA files, over TLS', async () => {
    const tls = await startKubeSimulator({ tls: true, token: 'service-account-token' });
    const prefix = await mkdtemp(join(tmpdir(), 'kube-incluster-'));
    const saDir = join(prefix, 'var/run/secrets/kubernetes.io/serviceaccount');
    await mkdir(saDir, { recursive: true });
    await writeFile(join(saDir, 'ca.crt'), tls.caPem as string);
    await writeFile(join(saDir, 'token'), 'service-account-token');
    await writeFile(join(saDir, 'namespace'), 'syncer-ns');
    const url = new URL(tls.url);
    vi.stubEnv('KUBERNETES_SERVICE_HOST', url.hostname);
    vi.stubEnv('KUBERNETES_SERVICE_PORT', url.port);
    const kc = loadKubeConfig({ inCluster: true, inClusterPathPrefix: prefix });
    const connection = new ClusterConnection(kc);
    try {
      expect(connection.baseUrl.href).toBe(`${tls.url}/`);
      const transport = new Transport(connection, { qps: 0 });
      const client = new DynamicClient(transport, new RestMapper(transport));
      const list = await client.list(namespaces);
      expect(list.items.map((o) => o.metadata.name)).toContain('default');
    } finally {
      vi.unstubAllEnvs();
      await connection.close();
      await tls.stop();
      await rm(prefix, { recursive: true, force: true });
    }
  });
});
