import { createSocket } from 'node:dgram';
import { connect, isIPv6 } from 'node:net';
import { firstTcpMessage, tcpFrame } from './tcp-frame.js';
import type { UpstreamResolver } from './upstream.js';

export type DnsTransport = 'udp' | 'tcp';

const idOf = (message: Buffer): number => message.readUInt16BE(0);

/**
 * One query to one resolver and its answer, over a socket of its own: a fresh random source port per query
 * (as a stub resolver uses), and only an answer from that resolver with the query's id is taken.
 */
export function exchange(
  query: Buffer,
  resolver: UpstreamResolver,
  transport: DnsTransport,
  timeoutMs: number,
): Promise<Buffer> {
  return transport === 'udp'
    ? udpExchange(query, resolver, timeoutMs)
    : tcpExchange(query, resolver, timeoutMs);
}

function udpExchange(query: Buffer, resolver: UpstreamResolver, timeoutMs: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = createSocket(isIPv6(resolver.host) ? 'udp6' : 'udp4');
    const timer = setTimeout(
      () => finish(new Error(`no answer from ${describe(resolver)} within ${timeoutMs} ms`)),
      timeoutMs,
    );
    const finish = (err: Error | undefined, answer?: Buffer): void => {
      clearTimeout(timer);
      socket.close();
      if (err === undefined && answer !== undefined) resolve(answer);
      else reject(err);
    };
    socket.on('error', (err) => finish(err));
    socket.on('message', (message, from) => {
      // A stray datagram (another sender, an old id) is not our answer: keep waiting.
      if (message.length < 12 || idOf(message) !== idOf(query) || from.port !== resolver.port) return;
      finish(undefined, message);
    });
    socket.connect(resolver.port, resolver.host, () => {
      socket.send(query, (err) => {
        if (err) finish(err);
      });
    });
  });
}

function tcpExchange(query: Buffer, resolver: UpstreamResolver, timeoutMs: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: resolver.host, port: resolver.port });
    let received = Buffer.alloc(0);
    let settled = false;
    const timer = setTimeout(
      () => finish(new Error(`no answer from ${describe(resolver)} within ${timeoutMs} ms`)),
      timeoutMs,
    );
    const finish = (err: Error | undefined, answer?: Buffer): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      if (err === undefined && answer !== undefined) resolve(answer);
      else reject(err);
    };
    socket.on('error', (err) => finish(err));
    socket.on('close', () =>
      finish(new Error(`${describe(resolver)} closed the connection without an answer`)),
    );
    socket.on('connect', () => socket.write(tcpFrame(query)));
    socket.on('data', (chunk) => {
      received = Buffer.concat([received, chunk]);
      const answer = firstTcpMessage(received)?.message;
      if (answer === undefined) return;
      if (answer.length < 12 || idOf(answer) !== idOf(query)) {
        finish(new Error(`${describe(resolver)} answered another query`));
        return;
      }
      finish(undefined, answer);
    });
  });
}

export function describe(resolver: UpstreamResolver): string {
  return isIPv6(resolver.host) ? `[${resolver.host}]:${resolver.port}` : `${resolver.host}:${resolver.port}`;
}
