import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, RawClient } from '../conformance/client.js';
import { type KubeSimulator, startKubeSimulator } from '../simulator.js';
import { syncTargetKey } from './synctarget-key.js';

const ORG = 'root:org';

// Shapes from reference/real-kcp/ground-truth/go-syncer/upstream-demo.json (namespace `demo`): a
// `default-token-x9ntq` Secret and the `kube-root-ca.crt` ConfigMap, which kcp's controllers made.
describe('kcp mode: every namespace gets its default ServiceAccount, token Secret and kube-root-ca.crt', () => {
  let sim: KubeSimulator;
  let client: RawClient;
  const kcp = (method: string, path: string, body?: unknown) =>
    client.request(method, `/clusters/${ORG}${path}`, { body }, sim.url);
  const defaultSa = (ns: string) =>
    eventually(
      async () => {
        const sa = (await kcp('GET', `/api/v1/namespaces/${ns}/serviceaccounts/default`)).json;
        return sa?.secrets?.length ? sa : undefined;
      },
      10_000,
      `the default ServiceAccount of ${ns} with its token`,
    );

  beforeAll(async () => {
    sim = await startKubeSimulator({ tls: true, kcp: { clusters: [ORG] } });
    client = new RawClient(sim.kubeconfig);
  });
  afterAll(() => sim.stop());

  it('creates them as kcp does, in a new namespace', async () => {
    const made = await kcp('POST', '/api/v1/namespaces', { metadata: { name: 'demo' } });
    expect(made.status, made.text).toBe(201);
    const sa = await defaultSa('demo');
    expect(sa.secrets).toHaveLength(1);
    const tokenName = sa.secrets[0].name as string;
    expect(tokenName).toMatch(/^default-token-[a-z0-9]{5}$/);
    const token = (await kcp('GET', `/api/v1/namespaces/demo/secrets/${tokenName}`)).json;
    expect(token.type).toBe('kubernetes.io/service-account-token');
    expect(token.metadata.annotations).toMatchObject({
      'kubernetes.io/service-account.name': 'default',
      'kubernetes.io/service-account.uid': sa.metadata.uid,
      'kcp.io/cluster': ORG,
    });
    expect(Object.keys(token.data).sort()).toEqual(['ca.crt', 'namespace', 'token']);
    const decode = (v: string) => Buffer.from(v, 'base64').toString();
    expect(decode(token.data['ca.crt'])).toBe(sim.caPem);
    expect(decode(token.data.namespace)).toBe('demo');
    expect(decode(token.data.token).split('.')).toHaveLength(3);

    const ca = await eventually(async () => {
      const got = await kcp('GET', '/api/v1/namespaces/demo/configmaps/kube-root-ca.crt');
      return got.status === 200 ? got.json : undefined;
    });
    expect(ca.data).toEqual({ 'ca.crt': sim.caPem });
    expect(ca.metadata.annotations['kubernetes.io/description']).toBe(
      'Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as ' +
        'the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of ' +
        'Kubernetes clusters.',
    );
  });

  it("gives the workspace's default namespace them too", async () => {
    const sa = await defaultSa('default');
    expect(sa.secrets[0].name).toMatch(/^default-token-/);
  });

  it('replaces a deleted token Secret and a deleted or changed kube-root-ca.crt', async () => {
    const before = (await defaultSa('demo')).secrets[0].name as string;
    expect((await kcp('DELETE', `/api/v1/namespaces/demo/secrets/${before}`)).status).toBe(200);
    const after = await eventually(
      async () => {
        const sa = (await kcp('GET', '/api/v1/namespaces/demo/serviceaccounts/default')).json;
        const name = sa?.secrets?.[0]?.name as string | undefined;
        return name && name !== before && sa.secrets.length === 1 ? name : undefined;
      },
      10_000,
      'a new token listed in place of the deleted one',
    );
    expect((await kcp('GET', `/api/v1/namespaces/demo/secrets/${after}`)).status).toBe(200);

    expect((await kcp('DELETE', '/api/v1/namespaces/demo/configmaps/kube-root-ca.crt')).status).toBe(200);
    await eventually(
      async () => {
        const got = await kcp('GET', '/api/v1/namespaces/demo/configmaps/kube-root-ca.crt');
        return got.status === 200;
      },
      10_000,
      'kube-root-ca.crt back',
    );
    const ca = (await kcp('GET', '/api/v1/namespaces/demo/configmaps/kube-root-ca.crt')).json;
    const put = await kcp('PUT', '/api/v1/namespaces/demo/configmaps/kube-root-ca.crt', {
      ...ca,
      data: { 'ca.crt': 'tampered' },
    });
    expect(put.status, put.text).toBe(200);
    await eventually(
      async () => {
        const got = (await kcp('GET', '/api/v1/namespaces/demo/configmaps/kube-root-ca.crt')).json;
        return got.data['ca.crt'] === sim.caPem;
      },
      10_000,
      'kube-root-ca.crt restored',
    );
  });

  // The resource controller copies the namespace's state label onto them, so a syncer sees them through its
  // virtual workspace, as upstream-demo.json shows them labelled for the SyncTarget.
  it('are placed with their namespace', async () => {
    const key = syncTargetKey(ORG, 'phys');
    const label = `state.workload.kcp.io/${key}`;
    const made = await kcp('POST', '/api/v1/namespaces', {
      metadata: { name: 'placed', labels: { [label]: 'Sync' } },
    });
    expect(made.status, made.text).toBe(201);
    const tokenName = (await defaultSa('placed')).secrets[0].name as string;
    await eventually(
      async () => {
        const token = (await kcp('GET', `/api/v1/namespaces/placed/secrets/${tokenName}`)).json;
        const ca = (await kcp('GET', '/api/v1/namespaces/placed/configmaps/kube-root-ca.crt')).json;
        return token?.metadata?.labels?.[label] === 'Sync' && ca?.metadata?.labels?.[label] === 'Sync';
      },
      10_000,
      'the token Secret and kube-root-ca.crt labelled for the SyncTarget',
    );
  });
});
