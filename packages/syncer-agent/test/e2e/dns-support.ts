import { createSocket, type Socket } from 'node:dgram';
import { once } from 'node:events';
import { connect, createServer, type Server } from 'node:net';
import { type DecodedPacket, decode, encode, RECURSION_DESIRED, type RecordType } from 'dns-packet';

export interface DnsAddress {
  readonly host: string;
  readonly port: number;
}

/** A decoded answer with its rcode name (dns-packet decodes it; its types leave it out). */
export type DnsReply = DecodedPacket & { readonly rcode: string };

/**
 * The cluster DNS as the nameserver's pod would see it (kube-dns): A records from a table, NXDOMAIN
 * for other names, and every name asked kept in order.
 */
export class FakeClusterDns {
  readonly asked: string[] = [];
  private readonly records = new Map<string, string>();
  private socket: Socket | undefined;
  private tcp: Server | undefined;

  a(name: string, address: string): this {
    this.records.set(name.toLowerCase(), address);
    return this;
  }

  /** The answer to one query (null: not a query). */
  private answer(message: Buffer): Buffer | null {
    const query = decode(message);
    const question = query.questions?.[0];
    if (question === undefined) return null;
    this.asked.push(question.name);
    const address = this.records.get(question.name.toLowerCase());
    return encode({
      type: 'response',
      id: query.id ?? 0,
      flags: 0x0100 | 0x0080 | (address === undefined ? 3 : 0),
      questions: [question],
      answers:
        address === undefined || question.type !== 'A'
          ? []
          : [{ type: 'A', name: question.name, ttl: 5, data: address }],
    });
  }

  /**
   * UDP and TCP on one loopback port, as kube-dns serves both. The UDP port is the kernel's pick; that TCP port
   * may be taken by another process, so a few picks are tried.
   */
  async start(): Promise<DnsAddress> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.listen();
      } catch (err) {
        this.socket?.close();
        if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE' || attempt >= 10) throw err;
      }
    }
  }

  private async listen(): Promise<DnsAddress> {
    const socket = createSocket('udp4');
    socket.on('message', (message, from) => {
      const reply = this.answer(message);
      if (reply !== null) socket.send(reply, from.port, from.address);
    });
    socket.bind(0, '127.0.0.1');
    await once(socket, 'listening');
    this.socket = socket;
    const port = socket.address().port;
    const tcp = createServer((conn) => {
      let pending = Buffer.alloc(0);
      conn.on('error', () => conn.destroy());
      conn.on('data', (chunk) => {
        pending = Buffer.concat([pending, chunk]);
        while (pending.length >= 2 && pending.length >= 2 + pending.readUInt16BE(0)) {
          const reply = this.answer(pending.subarray(2, 2 + pending.readUInt16BE(0)));
          pending = pending.subarray(2 + pending.readUInt16BE(0));
          if (reply === null) continue;
          const length = Buffer.alloc(2);
          length.writeUInt16BE(reply.length);
          conn.write(Buffer.concat([length, reply]));
        }
      });
    });
    tcp.listen(port, '127.0.0.1');
    await once(tcp, 'listening');
    this.tcp = tcp;
    return { host: '127.0.0.1', port };
  }

  async stop(): Promise<void> {
    const socket = this.socket;
    const tcp = this.tcp;
    this.socket = undefined;
    this.tcp = undefined;
    if (socket !== undefined) await new Promise<void>((resolve) => socket.close(() => resolve()));
    if (tcp !== undefined) await new Promise<void>((resolve) => tcp.close(() => resolve()));
  }
}

let nextId = 1;

/** One question, as a pod's stub resolver asks it, over UDP or TCP. */
export function lookup(
  server: DnsAddress,
  name: string,
  transport: 'udp' | 'tcp' = 'udp',
  type: RecordType = 'A',
  timeoutMs = 3000,
): Promise<DnsReply> {
  nextId = (nextId % 65_535) + 1;
  const query = encode({
    type: 'query',
    id: nextId,
    flags: RECURSION_DESIRED,
    questions: [{ name, type, class: 'IN' }],
  });
  return new Promise((resolve, reject) => {
    const fail = (err: Error) => {
      clearTimeout(timer);
      reject(err);
    };
    const timer = setTimeout(
      () => done(new Error(`no ${transport} answer for ${name} in ${timeoutMs} ms`)),
      timeoutMs,
    );
    let done: (err: Error | undefined, reply?: Buffer) => void;
    if (transport === 'udp') {
      const socket = createSocket('udp4');
      done = (err, reply) => {
        clearTimeout(timer);
        socket.close();
        if (reply !== undefined) resolve(decode(reply) as DnsReply);
        else reject(err);
      };
      socket.on('error', fail);
      socket.on('message', (reply) => done(undefined, reply));
      socket.send(query, server.port, server.host);
      return;
    }
    const socket = connect(server.port, server.host);
    let received = Buffer.alloc(0);
    done = (err, reply) => {
      clearTimeout(timer);
      socket.destroy();
      if (reply !== undefined) resolve(decode(reply) as DnsReply);
      else reject(err);
    };
    socket.on('error', fail);
    socket.on('connect', () => {
      const length = Buffer.alloc(2);
      length.writeUInt16BE(query.length);
      socket.write(Buffer.concat([length, query]));
    });
    socket.on('data', (chunk) => {
      received = Buffer.concat([received, chunk]);
      if (received.length >= 2 && received.length >= 2 + received.readUInt16BE(0)) {
        done(undefined, received.subarray(2, 2 + received.readUInt16BE(0)));
      }
    });
  });
}

/** `<name> <address>` of each A record. */
export const aRecords = (reply: DecodedPacket): string[] =>
  (reply.answers ?? []).flatMap((a) => (a.type === 'A' ? [`${a.name} ${a.data}`] : []));

/** The port `syncer-agent dns start` logged it serves on (0 until then); a line still being written is skipped. */
export function servingPort(stderr: string): number {
  for (const line of stderr.split('\n')) {
    if (!line.startsWith('{') || !line.includes('DNS nameserver serving')) continue;
    try {
      const port = (JSON.parse(line) as { port?: unknown }).port;
      if (typeof port === 'number') return port;
    } catch {
      // Not complete yet.
    }
  }
  return 0;
}
