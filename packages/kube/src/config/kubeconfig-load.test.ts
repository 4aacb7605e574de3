import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { RequestOptions } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type KubeSimulator, startKubeSimulator } from '@kcp-tmc/testing';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { namespaceNames, usersKubeconfig } from '../../test/support/kubeconfigs.js';
import { ClientNodeCredentials } from './client-node-auth.js';
import { ClusterConnection, loadKubeConfig } from './kubeconfig.js';
import { NativeCredentials } from './native-auth.js';

// The agent's own kubeconfig loader (no client-node) against the simulator's real kubeconfigs.
let plain: KubeSimulator;
let tls: KubeSimulator;
let dir: string;

beforeAll(async () => {
  [plain, tls] = await Promise.all([
    startKubeSimulator({ token: 'plain-token' }),
    startKubeSimulator({ tls: true, token: 'tls-token' }),
  ]);
  dir = await mkdtemp(join(tmpdir(), 'kube-load-'));
});
afterAll(async () => {
  await Promise.all([plain?.stop(), tls?.stop()]);
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('kubeconfig loader', () => {
  it("authenticates the simulator's YAML kubeconfig by our own code", async () => {
    const kc = loadKubeConfig({ file: plain.kubeconfigPath });
    expect(kc.native).toBe(true);
    const connection = new ClusterConnection(kc);
    expect(connection.credentials).toBeInstanceOf(NativeCredentials);
    expect(await namespaceNames(connection)).toContain('default');
  });

  it('verifies the server against certificate-authority-data over TLS, and fails without it', async () => {
    expect(
      await namespaceNames(new ClusterConnection(loadKubeConfig({ kubeconfig: tls.kubeconfig }))),
    ).toContain('default');
    const noCa = JSON.stringify({
      clusters: [{ name: 'c', cluster: { server: tls.url } }],
      users: [{ name: 'u', user: { token: 'tls-token' } }],
      contexts: [{ name: 'x', context: { cluster: 'c', user: 'u' } }],
      'current-context': 'x',
    });
    await expect(
      namespaceNames(new ClusterConnection(loadKubeConfig({ kubeconfig: noCa }))),
    ).rejects.toThrow();
  });

  it('resolves relative files against the kubeconfig, reads token-file at load, strips the trailing slash', async () => {
    const sub = join(dir, 'relative');
    await mkdir(sub, { recursive: true });
    await writeFile(join(sub, 'ca.crt'), tls.caPem as string);
    await writeFile(join(sub, 'token'), 'tls-token');
    const file = join(sub, 'config');
    await writeFile(
      file,
      [
        'apiVersion: v1',
        'kind: Config',
        'clusters:',
        `- name: c\n  cluster:\n    server: ${tls.url}/\n    certificate-authority: ca.crt`,
        'users:',
        '- name: u\n  user:\n    token-file: token\n    client-certificate: tls.crt\n    client-key: /abs/tls.key',
        'contexts:',
        '- name: x\n  context:\n    cluster: c\n    user: u\n    namespace: ns',
        'current-context: x',
      ].join('\n'),
    );
    const kc = loadKubeConfig({ file });
    expect(kc.getCurrentCluster()).toMatchObject({ server: tls.url, caFile: join(sub, 'ca.crt') });
    expect(kc.getCurrentUser()).toMatchObject({
      token: 'tls-token',
      certFile: join(sub, 'tls.crt'),
      keyFile: '/abs/tls.key',
    });
    expect(kc.getContextObject('x')?.namespace).toBe('ns');
  });

  it('refuses invalid entries as client-node does', () => {
    const bad = JSON.stringify({ clusters: [{ name: 'c', cluster: {} }] });
    expect(() => loadKubeConfig({ kubeconfig: bad })).toThrow('clusters[0].cluster.server is missing');
    const noCurrent = JSON.stringify({ clusters: [{ name: 'c', cluster: { server: plain.url } }] });
    expect(() => loadKubeConfig({ kubeconfig: noCurrent })).toThrow(/names no current cluster/);
  });

  it('merges the files of KUBECONFIG, the later current-context winning as in client-node', async () => {
    const second = join(dir, 'second');
    await writeFile(
      second,
      JSON.stringify({
        clusters: [{ name: 'other', cluster: { server: 'https://other.example:6443' } }],
        contexts: [{ name: 'other', context: { cluster: 'other' } }],
        'current-context': 'other',
      }),
    );
    vi.stubEnv('KUBECONFIG', `${plain.kubeconfigPath}:${second}`);
    try {
      const own = loadKubeConfig({ file: plain.kubeconfigPath }).clusters.map((c) => c.name);
      const kc = loadKubeConfig();
      expect(kc.clusters.map((c) => c.name)).toEqual([...own, 'other']);
      expect(kc.getCurrentCluster()?.server).toBe('https://other.example:6443');
      vi.stubEnv('KUBECONFIG', `${plain.kubeconfigPath}:${plain.kubeconfigPath}`);
      expect(() => loadKubeConfig()).toThrow(/Duplicate cluster/);
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it("falls back to client-node's anonymous localhost:8080 cluster when nothing is found", () => {
    vi.stubEnv('KUBECONFIG', '');
    vi.stubEnv('HOME', join(dir, 'no-such-home'));
    try {
      const kc = loadKubeConfig();
      expect(kc.clusters).toEqual([
        { name: 'cluster', server: 'http://localhost:8080', skipTLSVerify: false },
      ]);
      expect(kc.users).toEqual([{ name: 'user' }]);
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it('hands exec and other auth-provider users to client-node', () => {
    const config = (user: Record<string, unknown>) => usersKubeconfig({ url: plain.url }, { u: user }, 'u');
    for (const user of [
      { exec: { command: 'true', apiVersion: 'client.authentication.k8s.io/v1' } },
      { 'auth-provider': { name: 'oidc', config: {} } },
    ]) {
      const connection = new ClusterConnection(loadKubeConfig({ kubeconfig: config(user) }));
      expect(connection.credentials).toBeInstanceOf(ClientNodeCredentials);
    }
  });

  it('sets TLS material and credentials for node:https requests (the tunnel)', async () => {
    const kc = loadKubeConfig({ kubeconfig: tls.kubeconfig });
    const opts: RequestOptions = {};
    await kc.applyToHTTPSOptions(opts);
    expect(opts.ca?.toString()).toBe(tls.caPem);
    expect(opts.headers).toEqual({ Authorization: 'Bearer tls-token' });
    expect(opts.rejectUnauthorized).toBeUndefined();
  });
});

describe('in-cluster service account', () => {
  it('re-reads a rotated token file after a minute, keeping the connection pool', async () => {
    const prefix = join(dir, 'pod');
    const saDir = join(prefix, 'var/run/secrets/kubernetes.io/serviceaccount');
    await mkdir(saDir, { recursive: true });
    await writeFile(join(saDir, 'ca.crt'), tls.caPem as string);
    await writeFile(join(saDir, 'token'), 'first\n');
    const url = new URL(tls.url);
    vi.stubEnv('KUBERNETES_SERVICE_HOST', url.hostname);
    vi.stubEnv('KUBERNETES_SERVICE_PORT', url.port);
    const connection = new ClusterConnection(
      loadKubeConfig({ inCluster: true, inClusterPathPrefix: prefix }),
    );
    try {
      expect(connection.kubeConfig.getContextObject('inClusterContext')?.namespace).toBeUndefined();
      const first = await connection.authenticate(url, 'GET');
      expect(first.headers.Authorization).toBe('Bearer first');
      await writeFile(join(saDir, 'token'), 'second');
      expect(await connection.authenticate(url, 'GET')).toBe(first);
      vi.useFakeTimers({ now: Date.now() + 61_000, toFake: ['Date'] });
      const rotated = await connection.authenticate(url, 'GET');
      expect(rotated.headers.Authorization).toBe('Bearer second');
      expect(rotated.agent).toBe(first.agent);
    } finally {
      vi.useRealTimers();
      vi.unstubAllEnvs();
      await connection.close();
    }
  });
});
