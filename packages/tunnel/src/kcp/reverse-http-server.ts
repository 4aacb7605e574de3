import type { IncomingHttpHeaders, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Logger } from '@kcp-tmc/interfaces';
import {
  statusResponse,
  type TunnelRequest,
  type TunnelRequestHandler,
  type TunnelResponse,
} from '../agent/handler.js';
import { nodeHttp } from '../util/node-http.js';
import { bridgeUpgrade } from './upgrade-bridge.js';

/**
 * Serves the HTTP/1.1 requests kcp writes into reverse connections: kcp's tunneler proxies one request per
 * connection (keep-alives off), so each data connection is handed to one node:http server as a socket. Every
 * request goes through the {@link TunnelRequestHandler}; nothing is proxied without it.
 */
export class ReverseHttpServer {
  private readonly server: Server;

  constructor(
    private readonly handler: TunnelRequestHandler,
    private readonly logger: Logger,
  ) {
    // kcp's syncer reads the request head within 30 s (ReadHeaderTimeout); streams such as `logs -f` have no
    // overall limit.
    this.server = nodeHttp.createServer({ headersTimeout: 30_000, requestTimeout: 0 }, (req, res) => {
      void this.answer(req, res);
    });
    this.server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      void this.upgrade(req, socket, head);
    });
  }

  /** Serves the requests that arrive on `connection` (the reverse connection's byte stream). */
  serve(connection: Duplex): void {
    this.server.emit('connection', connection);
  }

  close(): void {
    this.server.closeAllConnections();
  }

  private async answer(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const controller = new AbortController();
    res.on('close', () => {
      if (!res.writableFinished) controller.abort(new Error('the caller went away'));
    });
    const response = await this.handle(req, controller.signal);
    if (response.upgraded !== undefined) {
      // Only an Upgrade request is answered with an upgrade; such requests arrive through `upgrade`.
      response.upgraded.terminate();
      res.writeHead(500).end();
      return;
    }
    res.writeHead(response.status, response.headers);
    try {
      await pipeline(readableOf(response.body), res);
    } catch (err) {
      if (!controller.signal.aborted) {
        this.logger.warn('tunnel response body failed', { path: req.url, error: (err as Error).message });
      }
      res.destroy();
    }
  }

  private async upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const controller = new AbortController();
    socket.on('close', () => controller.abort(new Error('the caller went away')));
    const response = await this.handle(req, controller.signal);
    if (response.upgraded !== undefined) {
      bridgeUpgrade(req, socket, head, response.upgraded, this.logger);
      return;
    }
    const chunks: Uint8Array[] = [];
    for await (const chunk of response.body ?? []) chunks.push(chunk);
    const body = Buffer.concat(chunks);
    const lines = [`HTTP/1.1 ${response.status} ${statusText(response.status)}`];
    for (const [name, value] of Object.entries(response.headers)) lines.push(`${name}: ${value}`);
    lines.push(`content-length: ${body.length}`, 'connection: close', '', '');
    socket.end(Buffer.concat([Buffer.from(lines.join('\r\n')), body]));
  }

  private async handle(req: IncomingMessage, signal: AbortSignal): Promise<TunnelResponse> {
    const request: TunnelRequest = {
      method: req.method ?? 'GET',
      path: req.url ?? '/',
      headers: flatHeaders(req.headers),
      body: req,
      signal,
    };
    try {
      return await this.handler.handle(request);
    } catch (err) {
      if (signal.aborted) return statusResponse(499, 'Aborted', 'the caller went away');
      this.logger.error('tunnel request handler failed', { path: req.url, error: (err as Error).message });
      return statusResponse(500, 'InternalError', `tunnel handler failed: ${(err as Error).message}`);
    }
  }
}

function flatHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) flat[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return flat;
}

function statusText(status: number): string {
  return status === 403 ? 'Forbidden' : status === 503 ? 'Service Unavailable' : 'Error';
}

/** A fetch body as a byte stream (fromWeb moves whole chunks; from() would add an object-mode hop per chunk). */
function readableOf(body: TunnelResponse['body']): Readable {
  if (body instanceof ReadableStream) return Readable.fromWeb(body as ReadableStream<Uint8Array>);
  return Readable.from(body ?? [], { objectMode: false });
}
