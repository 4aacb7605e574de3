import { decode } from 'dns-packet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addresses, queryPacket } from '../../test/support/dns-client.js';
import { FakeResolver } from '../../test/support/fake-resolver.js';
import { Forwarder } from './forwarder.js';
import { parseUpstream, resolversFromResolvConf } from './upstream.js';

let alive: FakeResolver;
let dead: FakeResolver;
let resolvers: Array<{ host: string; port: number }>;

beforeAll(async () => {
  alive = new FakeResolver().a('example.com', '93.184.216.34');
  dead = new FakeResolver();
  dead.silent = true;
  resolvers = [await dead.start(), await alive.start()];
});

afterAll(async () => {
  await alive?.stop();
  await dead?.stop();
});

describe('Forwarder', () => {
  it.each(['udp', 'tcp'] as const)(
    'goes on to the next resolver when one does not answer (%s)',
    async (transport) => {
      const forwarder = new Forwarder({ resolvers, attemptTimeoutMs: 200, deadlineMs: 1000 });
      // The first resolver is picked at random: whichever it is, the answer comes from the live one.
      for (let i = 0; i < 6; i++) {
        const query = queryPacket('example.com');
        const answer = decode(await forwarder.forward(query, transport));
        expect(answer.id).toBe(query.readUInt16BE(0));
        expect(addresses(answer)).toEqual(['example.com 93.184.216.34']);
      }
    },
  );

  it('fails once the deadline has passed without an answer', async () => {
    const forwarder = new Forwarder({
      resolvers: [resolvers[0] as { host: string; port: number }],
      attemptTimeoutMs: 100,
    });
    await expect(forwarder.forward(queryPacket('example.com'), 'udp')).rejects.toThrow(/no answer/);
    await expect(forwarder.forward(queryPacket('example.com'), 'tcp')).rejects.toThrow(/no answer/);
  });
});

describe('resolver addresses', () => {
  it('reads the nameservers of a resolv.conf, as kcp’s `forward . /etc/resolv.conf`', () => {
    const conf =
      'search ns.svc.cluster.local svc.cluster.local\nnameserver 10.96.0.10 # kube-dns\nnameserver fd00::a\noptions ndots:5\nnameserver bogus\n';
    expect(resolversFromResolvConf(conf)).toEqual([
      { host: '10.96.0.10', port: 53 },
      { host: 'fd00::a', port: 53 },
    ]);
  });

  it('parses host, host:port and bracketed IPv6', () => {
    expect(parseUpstream('10.0.0.1')).toEqual({ host: '10.0.0.1', port: 53 });
    expect(parseUpstream('127.0.0.1:5300')).toEqual({ host: '127.0.0.1', port: 5300 });
    expect(parseUpstream('[::1]:5300')).toEqual({ host: '::1', port: 5300 });
    expect(parseUpstream('fd00::a')).toEqual({ host: 'fd00::a', port: 53 });
    expect(() => parseUpstream('10.0.0.1:0')).toThrow(/invalid/);
  });
});
