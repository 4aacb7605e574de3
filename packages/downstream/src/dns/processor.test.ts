import {
  type Clock,
  type GVR,
  type KubeClient,
  type KubeObject,
  NOOP_LOGGER,
  namespaceLocator,
  TmcError,
  TmcErrorType,
} from '@kcp-tmc/interfaces';
import { describe, expect, it } from 'vitest';
import { DNS_CONTAINER, type DnsKind, dnsId } from './names.js';
import { dnsDeployment } from './objects.js';
import { type DnsObjectCache, WorkspaceDnsProcessor } from './processor.js';

const syncTarget = { cluster: 'root:org', name: 'phys', uid: 'uid-1', key: 'key-1' };
const CLUSTER = 'ws1';
const NAME = dnsId(CLUSTER, syncTarget.uid, syncTarget.name);
const NS = 'kcp-syncer-phys-1234abcd';
const locator = namespaceLocator(CLUSTER, syncTarget, 'demo');
const KUBERNETES = {
  apiVersion: 'v1',
  kind: 'Endpoints',
  metadata: { name: 'kubernetes', namespace: 'default' },
  subsets: [{ addresses: [{ ip: '10.1.2.3' }], ports: [{ port: 6443, protocol: 'TCP' }] }],
};

/** A downstream that records writes; the cache is whatever the test puts in `cached`. */
function world(kubernetes: KubeObject | null = KUBERNETES) {
  const cached = new Map<DnsKind, KubeObject>();
  const writes: Array<{ verb: string; resource: string; object: KubeObject }> = [];
  let now = 0;
  const client = {
    async create(gvr: GVR, object: KubeObject) {
      writes.push({ verb: 'create', resource: gvr.resource, object });
      return object;
    },
    async update(gvr: GVR, object: KubeObject) {
      writes.push({ verb: 'update', resource: gvr.resource, object });
      return object;
    },
    async get(gvr: GVR) {
      if (gvr.resource === 'endpoints' && kubernetes !== null) return kubernetes;
      throw new TmcError({ type: TmcErrorType.NotFound, message: 'not found' });
    },
  } as unknown as KubeClient;
  const cache: DnsObjectCache = {
    namespace: NS,
    ready: async () => {},
    get: (kind, name) => (name === NAME ? cached.get(kind) : undefined),
  };
  const clock: Clock = { now: () => now, setTimeout: () => 0, clearTimeout: () => {} };
  const processor = new WorkspaceDnsProcessor({
    client,
    cache,
    syncTarget,
    image: 'syncer:v2',
    clock,
    logger: NOOP_LOGGER,
  });
  return { processor, cached, writes, advance: (ms: number) => (now += ms) };
}

const endpoints = (ip: string | undefined): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Endpoints',
  metadata: { name: NAME, namespace: NS },
  subsets: ip === undefined ? [] : [{ addresses: [{ ip }] }],
});

describe('WorkspaceDnsProcessor (kcp: pkg/syncer/spec/dns/dns_process.go)', () => {
  it('creates the missing objects in kcp’s order while the DNS Endpoints do not exist, and is not ready', async () => {
    const { processor, writes } = world();
    expect(await processor.ensureReady(locator)).toEqual({ ready: false, recheckAfterMs: 500 });
    expect(writes.map((w) => `${w.verb} ${w.resource}`)).toEqual([
      'create serviceaccounts',
      'create roles',
      'create rolebindings',
      'create deployments',
      'create services',
      'create networkpolicies',
    ]);
  });

  it('creates nothing once the Endpoints exist; ready with a ready address', async () => {
    const { processor, cached, writes } = world();
    cached.set('endpoints', endpoints(undefined));
    expect((await processor.ensureReady(locator)).ready).toBe(false);
    cached.set('endpoints', endpoints('10.244.0.53'));
    expect(await processor.ensureReady(locator)).toEqual({ ready: true });
    expect(writes).toEqual([]);
  });

  it('rechecks a held Deployment every 500 ms at first, then less often, up to 8 s', async () => {
    const { processor, cached, advance } = world();
    cached.set('endpoints', endpoints(undefined));
    const delays: number[] = [];
    for (const step of [0, 4_000, 2_000, 5_000, 5_000, 5_000, 60_000]) {
      advance(step);
      const readiness = await processor.ensureReady(locator);
      delays.push(readiness.ready ? 0 : readiness.recheckAfterMs);
    }
    expect(delays).toEqual([500, 500, 1_000, 2_000, 4_000, 8_000, 8_000]);
    cached.set('endpoints', endpoints('10.244.0.53'));
    expect((await processor.ensureReady(locator)).ready).toBe(true);
    cached.set('endpoints', endpoints(undefined));
    expect(await processor.ensureReady(locator)).toEqual({ ready: false, recheckAfterMs: 500 });
  });

  it('fails retryably without the default/kubernetes Endpoints (the NetworkPolicy needs them)', async () => {
    const { processor, writes } = world(null);
    const failure = await processor.ensureReady(locator).catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(TmcError);
    expect((failure as TmcError).retryable).toBe(true);
    expect(writes.map((w) => w.resource)).not.toContain('networkpolicies');
  });

  it('brings an existing DNS Deployment to --dns-image once, and is not ready that time', async () => {
    const { processor, cached, writes } = world();
    cached.set('deployments', dnsDeployment(NAME, NS, 'syncer:v1'));
    cached.set('endpoints', endpoints('10.244.0.53'));
    expect((await processor.ensureReady(locator)).ready).toBe(false);
    expect(writes).toHaveLength(1);
    const updated = writes[0]?.object.spec as { template: { spec: { containers: KubeObject[] } } };
    expect(updated.template.spec.containers).toEqual([
      expect.objectContaining({ name: DNS_CONTAINER, image: 'syncer:v2' }),
    ]);
    expect((await processor.ensureReady(locator)).ready).toBe(true);
    expect(writes).toHaveLength(1);
  });

  it('gives pods the DNS Service cluster IP, and a retryable error while it has none', async () => {
    const { processor, cached } = world();
    const context = {
      direction: 'down' as const,
      syncTarget,
      cluster: CLUSTER,
      gvr: { group: 'apps', version: 'v1', resource: 'deployments' },
      key: {
        cluster: CLUSTER,
        gvr: { group: 'apps', version: 'v1', resource: 'deployments' },
        namespace: 'demo',
        name: 'web',
      },
    };
    cached.set('endpoints', endpoints('10.244.0.53'));
    const failure = await processor.nameserverFor(context).catch((err: unknown) => err);
    expect((failure as TmcError).retryable).toBe(true);
    cached.set('services', {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: NAME, namespace: NS },
      spec: { clusterIP: '10.0.0.216' },
    });
    expect(await processor.nameserverFor(context)).toBe('10.0.0.216');
  });
});
