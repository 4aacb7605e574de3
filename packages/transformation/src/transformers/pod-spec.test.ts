import { gvr, type KubeObject, TmcError, TmcErrorType } from '@kcp-tmc/interfaces';
import { describe, expect, it } from 'vitest';
import { configmaps, context, deployments, upstreamDeployment } from '../../test/support/fixtures.js';
import type { UpstreamSecretLister } from '../tokens.js';
import { PodSpecTransformer } from './pod-spec.js';
import { hostAndPort } from './pod-template.js';

type PodSpec = Record<string, unknown> & { containers: Record<string, unknown>[] };
const templateOf = (object: KubeObject) => (object.spec as { template: { spec: PodSpec } }).template.spec;

function tokenSecret(name: string, serviceAccount: string, created: string): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    type: 'kubernetes.io/service-account-token',
    metadata: {
      name,
      namespace: 'test',
      creationTimestamp: created,
      annotations: { 'kubernetes.io/service-account.name': serviceAccount },
    },
  };
}

function lister(secrets: KubeObject[]): UpstreamSecretLister & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    secretsIn: (cluster, namespace) => {
      calls.push(`${cluster}/${namespace}`);
      return secrets;
    },
  };
}

const ACCESS_VOLUME = (secret: string) => ({
  name: 'kcp-api-access',
  projected: {
    defaultMode: 420,
    sources: [
      {
        secret: {
          name: secret,
          items: [
            { key: 'token', path: 'token' },
            { key: 'namespace', path: 'namespace' },
          ],
        },
      },
      { configMap: { name: 'kcp-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
    ],
  },
});
const ACCESS_MOUNT = {
  name: 'kcp-api-access',
  mountPath: '/var/run/secrets/kubernetes.io/serviceaccount',
  readOnly: true,
};

// kcp: pkg/syncer/spec/mutators/deployment.go (the byte-for-byte case is kcp-ground-truth.test.ts).
describe('PodSpecTransformer', () => {
  it("mounts the oldest token of the template's service account and overrides existing entries in place", async () => {
    const secrets = lister([
      tokenSecret('web-token-new', 'web', '2024-05-02T00:00:00Z'),
      tokenSecret('default-token-a', 'default', '2024-01-01T00:00:00Z'),
      tokenSecret('web-token-old', 'web', '2024-05-01T00:00:00Z'),
    ]);
    const transformer = new PodSpecTransformer('https://kcp.example:6443/base', secrets);
    const object = upstreamDeployment();
    const spec = templateOf(object);
    spec.serviceAccount = 'web';
    spec.initContainers = [{ name: 'init', volumeMounts: [{ name: 'kcp-api-access', mountPath: '/x' }] }];
    spec.volumes = [
      { name: 'kcp-api-access', emptyDir: {} },
      { name: 'data', emptyDir: {} },
    ];
    (spec.containers[0] as { env: unknown[] }).env.unshift({ name: 'KUBERNETES_SERVICE_HOST', value: 'old' });
    const out = templateOf(await transformer.transform(object, context(deployments)));
    expect(secrets.calls).toEqual(['root:org:ws/test']);
    expect(out.automountServiceAccountToken).toBe(false);
    expect(out).not.toHaveProperty('serviceAccountName');
    // kcp clears serviceAccountName only; the deprecated field stays as it was.
    expect(out.serviceAccount).toBe('web');
    expect(out.containers[0]?.env).toEqual([
      { name: 'KUBERNETES_SERVICE_HOST', value: 'kcp.example' },
      { name: 'POD_NAMESPACE', value: 'test' },
      { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
      // kcp renames no references to kube-root-ca.crt: only the projected volume uses kcp-root-ca.crt.
      { name: 'CA', valueFrom: { configMapKeyRef: { name: 'kube-root-ca.crt', key: 'ca.crt' } } },
      { name: 'KUBERNETES_SERVICE_PORT', value: '6443' },
      { name: 'KUBERNETES_SERVICE_PORT_HTTPS', value: '6443' },
    ]);
    expect(out.containers[0]?.volumeMounts).toEqual([ACCESS_MOUNT]);
    expect(out.initContainers).toEqual([
      {
        name: 'init',
        env: [
          { name: 'KUBERNETES_SERVICE_PORT', value: '6443' },
          { name: 'KUBERNETES_SERVICE_PORT_HTTPS', value: '6443' },
          { name: 'KUBERNETES_SERVICE_HOST', value: 'kcp.example' },
        ],
        volumeMounts: [ACCESS_MOUNT],
      },
    ]);
    // A non-default account's token keeps its name (only default-token-* secrets are renamed).
    expect(out.volumes).toEqual([ACCESS_VOLUME('web-token-old'), { name: 'data', emptyDir: {} }]);
    expect(out).not.toHaveProperty('dnsPolicy');
  });

  it('fails with a retryable NotFound while the service account has no token upstream, as kcp retries', async () => {
    const transformer = new PodSpecTransformer(
      'https://kcp.example',
      lister([tokenSecret('t', 'other', '')]),
    );
    const error = await transformer.transform(upstreamDeployment(), context(deployments)).catch((e) => e);
    expect(error).toBeInstanceOf(TmcError);
    expect(error).toMatchObject({ type: TmcErrorType.NotFound, retryable: true });
    expect((error as Error).message).toContain('test/web');
  });

  it('without an upstream URL or secret lister: automount, service account and downward API only', async () => {
    for (const transformer of [
      new PodSpecTransformer(),
      new PodSpecTransformer('https://kcp.example'),
      new PodSpecTransformer(undefined, lister([])),
    ]) {
      const out = templateOf(await transformer.transform(upstreamDeployment(), context(deployments)));
      expect(out.automountServiceAccountToken).toBe(false);
      expect(out.containers[0]?.env).toEqual(
        (templateOf(upstreamDeployment()).containers[0] as { env: unknown[] }).env.map((env, i) =>
          i === 0 ? { name: 'POD_NAMESPACE', value: 'test' } : env,
        ),
      );
      expect(out.volumes).toEqual(templateOf(upstreamDeployment()).volumes);
    }
  });

  it('sets kcp’s workspace DNS when a nameserver provider is registered', async () => {
    const transformer = new PodSpecTransformer(undefined, undefined, { nameserverFor: () => '10.0.0.9' });
    const out = templateOf(await transformer.transform(upstreamDeployment(), context(deployments)));
    expect(out.dnsPolicy).toBe('None');
    expect(out.dnsConfig).toEqual({
      nameservers: ['10.0.0.9'],
      searches: ['test.svc.cluster.local', 'svc.cluster.local', 'cluster.local'],
      options: [{ name: 'ndots', value: '5' }],
    });
  });

  // kcp v0.11 registers mutators for deployments and secrets only (pkg/syncer/spec/spec_controller.go).
  it('applies to Deployments on the way down only, and tolerates a missing template', async () => {
    const transformer = new PodSpecTransformer();
    expect(transformer.shouldTransform(upstreamDeployment(), context(deployments, 'up'))).toBe(false);
    expect(transformer.shouldTransform({ metadata: {} }, context(configmaps))).toBe(false);
    for (const other of ['statefulsets', 'daemonsets', 'replicasets']) {
      expect(transformer.shouldTransform({ metadata: {} }, context(gvr('apps', 'v1', other)))).toBe(false);
    }
    expect(transformer.shouldTransform({ metadata: {} }, context(gvr('batch', 'v1', 'jobs')))).toBe(false);
    const empty = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'x' },
      spec: { replicas: 1 },
    };
    expect(await transformer.transform(structuredClone(empty), context(deployments))).toEqual(empty);
  });
});

describe('hostAndPort', () => {
  it("reads host and port as Go's url.Hostname()/Port() do: no default port filled in", () => {
    expect(hostAndPort('https://127.0.0.1:46443')).toEqual({ host: '127.0.0.1', port: '46443' });
    expect(hostAndPort('https://kcp.example/clusters/x')).toEqual({ host: 'kcp.example', port: '' });
    expect(hostAndPort('https://user:pw@kcp.example:443')).toEqual({ host: 'kcp.example', port: '443' });
    expect(hostAndPort('https://[::1]:6443/')).toEqual({ host: '::1', port: '6443' });
    expect(hostAndPort('https://[::1]')).toEqual({ host: '::1', port: '' });
  });
});
