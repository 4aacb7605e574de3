import type { KubeClient } from '@kcp-tmc/interfaces';
import { type KubeSimulator, startKubeSimulator } from '@kcp-tmc/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addresses, decodeReply, queryPacket, resolve, tcpRaw, udpRaw } from '../test/support/dns-client.js';
import { FakeResolver } from '../test/support/fake-resolver.js';
import { clientFor } from '../test/support/kube.js';
import { waitFor } from '../test/support/wait.js';
import { WorkspaceNameServer } from './workspace-nameserver.js';

// Real DNS messages on loopback: a client (dns-packet over dgram/net) → our nameserver → a fake cluster DNS,
// with the nsmap ConfigMap served over HTTP by the Kubernetes API simulator.

const NS = 'kcp-syncer-target-1234abcd';
const CM = 'kcp-dns-target-1234abcd-5678';
const CONFIGMAPS = { group: '', version: 'v1', resource: 'configmaps' } as const;
const NAMESPACES = { group: '', version: 'v1', resource: 'namespaces' } as const;
const PHYSICAL_A = 'kcp-1a2b3c4d5e6f';
const PHYSICAL_B = 'kcp-0f9e8d7c6b5a';

let sim: KubeSimulator;
let kube: { client: KubeClient; close(): Promise<void> };
let upstream: FakeResolver;
let server: WorkspaceNameServer;
let address: { host: string; port: number };

const configMap = (data: Record<string, string>) => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: CM, namespace: NS },
  data,
});

beforeAll(async () => {
  sim = await startKubeSimulator();
  kube = clientFor(sim.kubeconfig);
  await kube.client.create(NAMESPACES, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } });
  await kube.client.create(CONFIGMAPS, configMap({ 'team-a': PHYSICAL_A }), { namespace: NS });
  // A ConfigMap of another workspace in the same namespace: not ours, never read.
  await kube.client.create(
    CONFIGMAPS,
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'other', namespace: NS },
      data: { 'team-a': 'kcp-wrong' },
    },
    { namespace: NS },
  );
  upstream = new FakeResolver()
    .a(`web.${PHYSICAL_A}.svc.cluster.local`, '10.96.0.10')
    .a(`web.${PHYSICAL_B}.svc.cluster.local`, '10.96.0.20')
    .a('example.com', '93.184.216.34');
  const resolver = await upstream.start();
  server = new WorkspaceNameServer(kube.client, {
    namespace: NS,
    configMapName: CM,
    resolvers: [resolver],
    listen: { host: '127.0.0.1', port: 0 },
    attemptTimeoutMs: 300,
    deadlineMs: 600,
  });
  address = await server.start();
});

afterAll(async () => {
  await server?.stop();
  await upstream?.stop();
  await kube?.close();
  await sim?.stop();
});

describe('the workspace nameserver', () => {
  it.each(['udp', 'tcp'] as const)(
    'answers <svc>.<logical-ns>.svc.cluster.local with the physical Service (%s)',
    async (transport) => {
      const answer = await resolve(address, 'web.team-a.svc.cluster.local', 'A', transport);
      expect(answer.rcode).toBe('NOERROR');
      expect(answer.questions).toEqual([{ name: 'web.team-a.svc.cluster.local', type: 'A', class: 'IN' }]);
      expect(addresses(answer)).toEqual(['web.team-a.svc.cluster.local 10.96.0.10']);
      expect(upstream.asked.at(-1)).toBe(`web.${PHYSICAL_A}.svc.cluster.local`);
    },
  );

  it('gives the question back as asked, in its case', async () => {
    const answer = await resolve(address, 'Web.Team-A.svc.cluster.local');
    expect(answer.questions?.[0]?.name).toBe('Web.Team-A.svc.cluster.local');
    expect(addresses(answer)).toEqual(['web.team-a.svc.cluster.local 10.96.0.10']);
  });

  it('forwards names outside the cluster unchanged', async () => {
    const answer = await resolve(address, 'example.com', 'A', 'tcp');
    expect(addresses(answer)).toEqual(['example.com 93.184.216.34']);
    expect(upstream.asked.at(-1)).toBe('example.com');
  });

  it('forwards a Service of an unmapped namespace unchanged, so the cluster DNS answers NXDOMAIN', async () => {
    const answer = await resolve(address, 'web.team-b.svc.cluster.local');
    expect(answer.rcode).toBe('NXDOMAIN');
    expect(answer.questions?.[0]?.name).toBe('web.team-b.svc.cluster.local');
    expect(upstream.asked.at(-1)).toBe('web.team-b.svc.cluster.local');
  });

  it('picks up ConfigMap updates and deletion', async () => {
    const current = await kube.client.get(CONFIGMAPS, { name: CM, namespace: NS });
    await kube.client.update(
      CONFIGMAPS,
      { ...current, data: { 'team-a': PHYSICAL_A, 'team-b': PHYSICAL_B } },
      { namespace: NS },
    );
    const answer = await waitFor('team-b mapped', async () => {
      const a = await resolve(address, 'web.team-b.svc.cluster.local');
      return a.rcode === 'NOERROR' ? a : undefined;
    });
    expect(addresses(answer)).toEqual(['web.team-b.svc.cluster.local 10.96.0.20']);

    await kube.client.delete(CONFIGMAPS, { name: CM, namespace: NS });
    await waitFor('mapping gone', () => (server.map.size === 0 ? true : undefined));
    expect((await resolve(address, 'web.team-a.svc.cluster.local')).rcode).toBe('NXDOMAIN');
    await kube.client.create(CONFIGMAPS, configMap({ 'team-a': PHYSICAL_A }), { namespace: NS });
    await waitFor('mapping back', () => (server.map.physical('team-a') === PHYSICAL_A ? true : undefined));
  });

  it('answers SERVFAIL when the cluster DNS does not answer in time, and serves again after', async () => {
    upstream.silent = true;
    try {
      for (const transport of ['udp', 'tcp'] as const) {
        const answer = await resolve(address, 'web.team-a.svc.cluster.local', 'A', transport);
        expect(answer.rcode).toBe('SERVFAIL');
        expect(answer.questions?.[0]?.name).toBe('web.team-a.svc.cluster.local');
        expect((await resolve(address, 'example.com', 'A', transport)).rcode).toBe('SERVFAIL');
      }
    } finally {
      upstream.silent = false;
    }
    expect(addresses(await resolve(address, 'web.team-a.svc.cluster.local'))).toHaveLength(1);
  });

  it('survives malformed messages: FORMERR when the header is readable, silence otherwise', async () => {
    const garbage = Buffer.concat([
      queryPacket('x.example').subarray(0, 12),
      Buffer.from([0xc0, 0xff, 0x13]),
    ]);
    const formerr = await udpRaw(address, garbage);
    expect(decodeReply(formerr as Buffer)).toMatchObject({ rcode: 'FORMERR', id: garbage.readUInt16BE(0) });
    expect(await udpRaw(address, Buffer.from([1, 2, 3]), 300)).toBeNull();
    expect(decodeReply(await tcpRaw(address, garbage)).rcode).toBe('FORMERR');
    expect(addresses(await resolve(address, 'web.team-a.svc.cluster.local', 'A', 'tcp'))).toHaveLength(1);
  });
});
