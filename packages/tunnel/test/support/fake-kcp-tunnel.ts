import { type IncomingMessage, request } from 'node:http';
import {
  createSecureServer,
  type Http2SecureServer,
  type IncomingHttpHeaders,
  type ServerHttp2Stream,
} from 'node:http2';
import type { AddressInfo } from 'node:net';
import { generateServingCertificate } from '@kcp-tmc/testing';
import WebSocket from 'ws';
import {
  type ControlMessage,
  encodeControlMessage,
  readControlMessages,
} from '../../src/kcp/control-message.js';

export interface ProxiedResponse {
  status: number;
  headers: IncomingMessage['headers'];
  body: string;
}

/**
 * kcp's tunnel endpoint as kcp v0.11 behaves on the wire (pkg/tunneler): HTTP/2 over TLS; a GET on
 * `/clusters/<cluster>/apis/workload.kcp.io/v1alpha1/synctargets/<name>/tunnel` with an accepted token is answered
 * 200 and kept open; the first one per SyncTarget is the control connection (JSON lines, a keep-alive at once),
 * later ones are reverse connections, picked up after a `conn-ready`, each carrying one HTTP/1.1 request.
 */
export class FakeKcpTunnelEndpoint {
  readonly tls = generateServingCertificate();
  /** Tokens kcp accepts, and the SyncTarget path each may open. */
  readonly tokens = new Map<string, string>();
  /** Messages the agent sent on control connections. */
  readonly fromAgent: ControlMessage[] = [];
  /** Holds control connections unanswered, as kcp does when it takes one for a reverse connection. */
  silent = false;
  /** Answers reverse connections with this status instead of 200 (a pick-up kcp refuses). */
  refuseReverseConnections: number | undefined;
  dials = 0;
  private readonly server: Http2SecureServer;
  private control: ServerHttp2Stream | undefined;
  private readonly waiting: Array<(stream: ServerHttp2Stream) => void> = [];
  url = '';

  constructor() {
    this.server = createSecureServer({ key: this.tls.keyPem, cert: this.tls.certPem });
    this.server.on('stream', (stream, headers) => this.accept(stream, headers));
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `https://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  get connected(): boolean {
    return this.control !== undefined && !this.control.destroyed;
  }

  /** Drops every connection, as a kcp restart does. */
  dropConnections(): void {
    this.control?.close();
    this.control = undefined;
  }

  async stop(): Promise<void> {
    this.dropConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** What kcp's pod-subresource proxy does: ask for a reverse connection, send one request on it, read the answer. */
  async proxy(path: string, headers: Record<string, string> = {}): Promise<ProxiedResponse> {
    const stream = await this.pickUp();
    stream.respond({ ':status': 200 });
    return new Promise<ProxiedResponse>((resolve, reject) => {
      const req = request(
        {
          createConnection: () => stream as never,
          path,
          headers: { host: 'syncer', connection: 'close', ...headers },
        },
        (res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => {
            body += chunk;
          });
          res.once('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
          res.once('error', reject);
        },
      );
      req.once('error', reject);
      req.end();
    });
  }

  /** An Upgrade kcp proxies (`kubectl exec` over WebSocket): the caller's WebSocket, on a reverse connection. */
  async proxyWebSocket(path: string, protocols: string[]): Promise<WebSocket> {
    const stream = await this.pickUp();
    stream.respond({ ':status': 200 });
    const ws = new WebSocket(`ws://syncer${path}`, protocols, { createConnection: () => stream as never });
    await new Promise<void>((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
      ws.once('error', reject);
    });
    return ws;
  }

  private async pickUp(): Promise<ServerHttp2Stream> {
    const control = this.control;
    if (control === undefined) throw new Error('no tunnel control connection');
    const pickedUp = new Promise<ServerHttp2Stream>((resolve) => this.waiting.push(resolve));
    control.write(encodeControlMessage({ command: 'conn-ready' }));
    return pickedUp;
  }

  private accept(stream: ServerHttp2Stream, headers: IncomingHttpHeaders): void {
    this.dials += 1;
    const token = /^Bearer (.+)$/.exec(headers.authorization ?? '')?.[1];
    const allowed = token === undefined ? undefined : this.tokens.get(token);
    if (allowed === undefined || `${allowed}/tunnel` !== headers[':path']) {
      stream.respond({ ':status': allowed === undefined ? 401 : 403, 'content-type': 'application/json' });
      stream.end(
        JSON.stringify({ kind: 'Status', status: 'Failure', code: allowed === undefined ? 401 : 403 }),
      );
      return;
    }
    if (this.silent) return;
    if (!this.connected) {
      this.control = stream;
      stream.respond({ ':status': 200 });
      stream.write(encodeControlMessage({ command: 'keep-alive' }));
      void this.readControl(stream);
      return;
    }
    if (this.refuseReverseConnections !== undefined) {
      stream.respond({ ':status': this.refuseReverseConnections });
      stream.end();
      return;
    }
    this.waiting.shift()?.(stream);
  }

  private async readControl(stream: ServerHttp2Stream): Promise<void> {
    try {
      for await (const message of readControlMessages(stream)) this.fromAgent.push(message);
    } catch {
      // A reset control connection ends the tunnel, as in kcp.
    }
  }
}
