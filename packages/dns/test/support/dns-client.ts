import { createSocket } from 'node:dgram';
import { connect } from 'node:net';
import {
  type DecodedPacket,
  decode,
  encode,
  type Packet,
  RECURSION_DESIRED,
  type RecordType,
} from 'dns-packet';
import { firstTcpMessage, tcpFrame } from '../../src/server/tcp-frame.js';

export interface Address {
  readonly host: string;
  readonly port: number;
}

let nextId = 1;

/** A stub resolver's query (RD set), as a pod's libc sends it. */
export function queryPacket(name: string, type: RecordType = 'A', extra: Partial<Packet> = {}): Buffer {
  nextId = (nextId % 65_535) + 1;
  return encode({
    type: 'query',
    id: nextId,
    flags: RECURSION_DESIRED,
    questions: [{ name, type, class: 'IN' }],
    ...extra,
  });
}

/** Sends raw bytes over UDP and resolves with the first datagram back (or null after `timeoutMs`). */
export function udpRaw(server: Address, message: Buffer, timeoutMs = 2000): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const socket = createSocket('udp4');
    const timer = setTimeout(() => {
      socket.close();
      resolve(null);
    }, timeoutMs);
    socket.on('error', (err) => {
      clearTimeout(timer);
      socket.close();
      reject(err);
    });
    socket.on('message', (reply) => {
      clearTimeout(timer);
      socket.close();
      resolve(reply);
    });
    socket.send(message, server.port, server.host);
  });
}

/** Sends raw bytes as one TCP frame and resolves with the first framed answer. */
export function tcpRaw(server: Address, message: Buffer, timeoutMs = 2000): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = connect(server.port, server.host);
    let received = Buffer.alloc(0);
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no TCP answer within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    socket.on('connect', () => socket.write(tcpFrame(message)));
    socket.on('data', (chunk) => {
      received = Buffer.concat([received, chunk]);
      const answer = firstTcpMessage(received)?.message;
      if (answer === undefined) return;
      clearTimeout(timer);
      socket.destroy();
      resolve(answer);
    });
  });
}

/** A decoded answer with its rcode name (dns-packet decodes it; its types leave it out). */
export type Reply = DecodedPacket & { readonly rcode: string };

export const decodeReply = (message: Buffer): Reply => decode(message) as Reply;

/** One question over UDP or TCP, decoded. */
export async function resolve(
  server: Address,
  name: string,
  type: RecordType = 'A',
  transport: 'udp' | 'tcp' = 'udp',
): Promise<Reply> {
  const message = queryPacket(name, type);
  const reply = transport === 'udp' ? await udpRaw(server, message) : await tcpRaw(server, message);
  if (reply === null) throw new Error(`no UDP answer for ${name}`);
  return decodeReply(reply);
}

export const addresses = (packet: DecodedPacket): string[] =>
  (packet.answers ?? []).flatMap((a) => (a.type === 'A' || a.type === 'AAAA' ? [`${a.name} ${a.data}`] : []));
