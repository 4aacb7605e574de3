import { createSocket, type Socket } from 'node:dgram';
import { once } from 'node:events';
import { connect, type Socket as TcpSocket } from 'node:net';
import { Forwarder, NameServer, NamespaceMap, QueryHandler } from '@kcp-tmc/dns';
import { decode, encode, RECURSION_DESIRED } from 'dns-packet';
import type { Benchmark } from './registry.js';

// The workspace nameserver's answer latency on loopback, one query at a time (as a pod's stub resolver asks),
// 10,000 queries per path after a warm-up: a fake cluster DNS asked directly (the baseline), then through our
// nameserver for a rewritten name (<svc>.<workspace-ns>.svc.cluster.local), a relayed name, and the rewritten
// name over TCP (one client connection; the nameserver opens one upstream connection per query, as it forwards
// over the client's transport). Ratios are to the direct path, measured in the same run.

const QUERIES = Number(process.env.DNS_BENCH_QUERIES ?? 10_000);
const WARMUP = 500;
const PHYSICAL = 'kcp-1a2b3c4d5e6f';

type Ask = (message: Buffer) => Promise<Buffer>;

/** The fake cluster DNS: an A record for every name asked, NOERROR. */
function clusterDns(): NameServer {
  return new NameServer({
    handle: async (message) => {
      const query = decode(message);
      const question = query.questions?.[0];
      if (question === undefined) return null;
      return encode({
        type: 'response',
        id: query.id ?? 0,
        flags: RECURSION_DESIRED | 0x0080,
        questions: [question],
        answers: [{ type: 'A', name: question.name, ttl: 5, data: '10.96.0.10' }],
      });
    },
  });
}

/** Queries a UDP client sent again after no answer in 1 s (as a stub resolver retries): lost datagrams. */
let udpRetries = 0;

/** A UDP client on one socket, one query in flight; a query unanswered for 1 s is sent again. */
async function udpClient(port: number): Promise<{ ask: Ask; close(): void }> {
  const socket: Socket = createSocket('udp4');
  socket.connect(port, '127.0.0.1');
  await once(socket, 'connect');
  let waiting: ((reply: Buffer) => void) | undefined;
  socket.on('message', (reply) => waiting?.(reply));
  return {
    ask: (message) =>
      new Promise((resolve) => {
        const retry = setInterval(() => {
          udpRetries++;
          socket.send(message);
        }, 1000);
        waiting = (reply) => {
          if (reply.readUInt16BE(0) !== message.readUInt16BE(0)) return;
          clearInterval(retry);
          resolve(reply);
        };
        socket.send(message);
      }),
    close: () => socket.close(),
  };
}

/** A TCP client on one connection, one query in flight. */
async function tcpClient(port: number): Promise<{ ask: Ask; close(): void }> {
  const socket: TcpSocket = connect(port, '127.0.0.1');
  await once(socket, 'connect');
  socket.setNoDelay(true);
  let pending = Buffer.alloc(0);
  let waiting: ((reply: Buffer) => void) | undefined;
  socket.on('data', (chunk) => {
    pending = Buffer.concat([pending, chunk]);
    if (pending.length >= 2 && pending.length >= 2 + pending.readUInt16BE(0)) {
      const reply = pending.subarray(2, 2 + pending.readUInt16BE(0));
      pending = pending.subarray(2 + reply.length);
      waiting?.(reply);
    }
  });
  return {
    ask: (message) =>
      new Promise((resolve) => {
        waiting = resolve;
        const length = Buffer.alloc(2);
        length.writeUInt16BE(message.length);
        socket.write(Buffer.concat([length, message]));
      }),
    close: () => socket.destroy(),
  };
}

interface Percentiles {
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
}

const round = (n: number) => Math.round(n * 10) / 10;

/** Latency in microseconds of `QUERIES` sequential queries for `name`; every answer must carry one A record. */
async function measure(ask: Ask, name: string): Promise<Percentiles> {
  const samples: number[] = [];
  for (let i = 0; i < WARMUP + QUERIES; i++) {
    const query = encode({
      type: 'query',
      id: (i % 65_535) + 1,
      flags: RECURSION_DESIRED,
      questions: [{ name, type: 'A', class: 'IN' }],
    });
    const start = process.hrtime.bigint();
    const reply = await ask(query);
    const micros = Number(process.hrtime.bigint() - start) / 1000;
    const answer = decode(reply);
    if (answer.answers?.[0]?.name !== name)
      throw new Error(`bad answer for ${name}: ${JSON.stringify(answer)}`);
    if (i >= WARMUP) samples.push(micros);
    if (process.env.DNS_BENCH_PROGRESS && i % 1000 === 0) process.stderr.write(`${name} ${i}\n`);
  }
  samples.sort((a, b) => a - b);
  const at = (q: number) => samples[Math.min(samples.length - 1, Math.floor(q * samples.length))] as number;
  return {
    p50: round(at(0.5)),
    p90: round(at(0.9)),
    p99: round(at(0.99)),
    max: round(samples.at(-1) as number),
    mean: round(samples.reduce((a, b) => a + b, 0) / samples.length),
  };
}

export const dnsLatency: Benchmark = {
  name: 'dns-latency',
  description: `workspace nameserver answer latency on loopback (µs, ${QUERIES} sequential queries per path): fake cluster DNS direct vs through our nameserver (rewritten UDP, relayed UDP, rewritten TCP); ratios to direct`,
  async run() {
    const upstream = clusterDns();
    await upstream.listen({ host: '127.0.0.1', port: 0 });
    const map = new NamespaceMap();
    map.replace({ demo: PHYSICAL });
    const forwarder = new Forwarder({ resolvers: [upstream.address] });
    const server = new NameServer(new QueryHandler(map, forwarder));
    await server.listen({ host: '127.0.0.1', port: 0 });
    const direct = await udpClient(upstream.address.port);
    const viaUdp = await udpClient(server.address.port);
    let viaTcp: { ask: Ask; close(): void } | undefined;
    try {
      const baseline = await measure(direct.ask, `web.${PHYSICAL}.svc.cluster.local`);
      const rewrittenUdp = await measure(viaUdp.ask, 'web.demo.svc.cluster.local');
      const relayedUdp = await measure(viaUdp.ask, 'example.com');
      // Connected just before: the nameserver closes a TCP connection idle for 10 s.
      viaTcp = await tcpClient(server.address.port);
      const rewrittenTcp = await measure(viaTcp.ask, 'web.demo.svc.cluster.local');
      const results = { direct: baseline, rewrittenUdp, relayedUdp, rewrittenTcp };
      const ratio = (p: Percentiles) => ({
        p50: round(p.p50 / results.direct.p50),
        p99: round(p.p99 / results.direct.p99),
      });
      return {
        queriesPerPath: QUERIES,
        udpRetries,
        latencyMicros: results,
        ratioToDirect: {
          rewrittenUdp: ratio(results.rewrittenUdp),
          relayedUdp: ratio(results.relayedUdp),
          rewrittenTcp: ratio(results.rewrittenTcp),
        },
      };
    } finally {
      direct.close();
      viaUdp.close();
      viaTcp?.close();
      await server.close();
      await upstream.close();
    }
  },
};
