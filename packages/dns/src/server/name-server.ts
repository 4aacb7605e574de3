import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { once } from 'node:events';
import { createServer, isIPv6, type Server, type Socket } from 'node:net';
import { type Logger, NOOP_LOGGER } from '@kcp-tmc/interfaces';
import type { DnsTransport } from './exchange.js';
import { firstTcpMessage, tcpFrame } from './tcp-frame.js';

/** Answers one DNS message; null sends nothing back. */
export interface MessageHandler {
  handle(message: Buffer, transport: DnsTransport): Promise<Buffer | null>;
}

export interface ListenAddress {
  /** Default `0.0.0.0` (kcp's `.:5353` listens on every address). */
  readonly host?: string;
  /** Default 5353, as kcp's nameserver; 0 picks a free port (the same one for UDP and TCP). */
  readonly port?: number;
}

/** A TCP client silent this long is disconnected (ms), as DNS servers do with idle connections. */
const TCP_IDLE_MS = 10_000;

/**
 * A DNS server on one address over UDP and TCP (length-prefixed messages, several per connection, answered as
 * they complete). A handler failure or a malformed frame never stops the server: the message gets no answer,
 * a broken TCP stream is closed.
 */
export class NameServer {
  private udp: UdpSocket | undefined;
  private tcp: Server | undefined;
  private readonly connections = new Set<Socket>();
  private boundPort = 0;
  private boundHost = '';

  constructor(
    private readonly handler: MessageHandler,
    private readonly logger: Logger = NOOP_LOGGER,
  ) {}

  get address(): { host: string; port: number } {
    return { host: this.boundHost, port: this.boundPort };
  }

  async listen(address: ListenAddress = {}): Promise<void> {
    const host = address.host ?? '0.0.0.0';
    // Port 0: UDP picks, TCP takes the same number; another process may hold it on TCP, so try a few.
    for (let attempt = 0; ; attempt++) {
      const udp = await this.bindUdp(host, address.port ?? 5353);
      const port = udp.address().port;
      try {
        this.tcp = await this.bindTcp(host, port);
        this.udp = udp;
        this.boundHost = host;
        this.boundPort = port;
        return;
      } catch (err) {
        udp.close();
        if (address.port !== 0 || attempt >= 4) throw err;
      }
    }
  }

  async close(): Promise<void> {
    const udp = this.udp;
    const tcp = this.tcp;
    this.udp = undefined;
    this.tcp = undefined;
    for (const socket of this.connections) socket.destroy();
    await Promise.all([
      udp === undefined ? undefined : new Promise<void>((resolve) => udp.close(() => resolve())),
      tcp === undefined ? undefined : new Promise<void>((resolve) => tcp.close(() => resolve())),
    ]);
  }

  private async bindUdp(host: string, port: number): Promise<UdpSocket> {
    const socket = createSocket(isIPv6(host) ? 'udp6' : 'udp4');
    socket.on('message', (message, from) => {
      this.answer(message, 'udp', (reply) => {
        socket.send(reply, from.port, from.address, (err) => {
          if (err) this.logger.debug('DNS reply not sent', { error: String(err) }, 4);
        });
      });
    });
    socket.on('error', (err) => this.logger.warn('DNS UDP socket error', { error: String(err) }));
    socket.bind(port, host);
    await once(socket, 'listening');
    return socket;
  }

  private async bindTcp(host: string, port: number): Promise<Server> {
    const server = createServer((socket) => this.serveConnection(socket));
    server.listen(port, host);
    await once(server, 'listening');
    return server;
  }

  private serveConnection(socket: Socket): void {
    this.connections.add(socket);
    socket.setTimeout(TCP_IDLE_MS, () => socket.destroy());
    socket.on('close', () => this.connections.delete(socket));
    socket.on('error', () => socket.destroy());
    let pending: Buffer = Buffer.alloc(0);
    socket.on('data', (chunk) => {
      pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
      for (let next = firstTcpMessage(pending); next !== undefined; next = firstTcpMessage(pending)) {
        pending = next.rest;
        this.answer(Buffer.from(next.message), 'tcp', (reply) => {
          if (!socket.destroyed) socket.write(tcpFrame(reply));
        });
      }
    });
  }

  private answer(message: Buffer, transport: DnsTransport, send: (reply: Buffer) => void): void {
    this.handler.handle(message, transport).then(
      (reply) => {
        if (reply !== null) send(reply);
      },
      (err: unknown) => this.logger.warn('DNS message not answered', { error: String(err) }),
    );
  }
}
