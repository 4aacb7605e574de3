import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { isTmcError, type Logger, TmcErrorType } from '@kcp-tmc/interfaces';
import { type WebSocket, WebSocketServer } from 'ws';
import type { ResponseHead } from '../protocol/frames.js';
import { relayMessages } from '../protocol/message-relay.js';
import type { MuxStream } from '../protocol/stream.js';
import { nodeHttp } from '../util/node-http.js';
import { parseSyncerPath, type TunnelHttpHandlerOptions } from './http-handler.js';
import { rejectUpgrade } from './reject.js';
import type { TunnelServer } from './tunnel-server.js';

/** Largest refusal body passed back to the caller of an upgrade (a Status is far smaller). */
const MAX_REFUSAL_BYTES = 64 * 1024;

/**
 * Relays WebSocket upgrades (`kubectl exec` over `v5.channel.k8s.io`, ...) addressed like the HTTP handler's
 * URLs: the agent dials the downstream first, and only once the downstream accepted (and chose a subprotocol) is
 * the caller's upgrade completed with that subprotocol; a refusal comes back as the downstream's HTTP answer.
 */
export function createUpgradeRelay(
  server: TunnelServer,
  logger: Logger,
  options: TunnelHttpHandlerOptions = {},
  /** Told of every relayed caller socket (the server closes them on shutdown). */
  track: (ws: WebSocket) => void = () => {},
): (req: IncomingMessage, socket: Duplex, head: Buffer) => boolean {
  const prefix = (options.prefix ?? '/syncers').replace(/\/$/, '');
  const chosen = new WeakMap<IncomingMessage, string>();
  const wss = new WebSocketServer({
    noServer: true,
    perMessageDeflate: false,
    handleProtocols: (_protocols, req) => chosen.get(req) ?? false,
  });

  return (req, socket, head) => {
    if (req.headers.upgrade?.toLowerCase() !== 'websocket') return false;
    const parsed = parseSyncerPath(req.url ?? '/', prefix);
    if (parsed === undefined) return false;
    socket.on('error', (err) => logger.debug('relay socket error', { error: err.message }, 4));
    void relay(req, socket, head, parsed).catch((err: unknown) => {
      logger.debug('upgrade relay failed', { error: (err as Error).message }, 4);
      rejectUpgrade(socket, 502, 'InternalError', (err as Error).message);
    });
    return true;
  };

  async function relay(
    req: IncomingMessage,
    socket: Duplex,
    head: Buffer,
    parsed: SyncerPath,
  ): Promise<void> {
    const accepted = await dialThroughAgent(server, options, req, socket, parsed);
    if (accepted === undefined) return;
    if (accepted.protocol !== undefined) chosen.set(req, accepted.protocol);
    wss.handleUpgrade(req, socket, head, (ws) => {
      track(ws);
      void relayMessages(ws, accepted.stream, logger);
    });
  }
}

type SyncerPath = Exclude<ReturnType<typeof parseSyncerPath>, undefined>;

/**
 * Asks the agent to dial the downstream: the stream once the downstream accepted the upgrade, with the
 * subprotocol it chose; undefined once the caller has been answered (refused here, or by the downstream).
 */
async function dialThroughAgent(
  server: TunnelServer,
  options: TunnelHttpHandlerOptions,
  req: IncomingMessage,
  socket: Duplex,
  parsed: SyncerPath,
): Promise<{ stream: MuxStream; protocol: string | undefined } | undefined> {
  if (parsed === null) {
    rejectUpgrade(socket, 400, 'BadRequest', 'malformed SyncTarget in the path');
    return undefined;
  }
  const { target, path } = parsed;
  if (options.authorize !== undefined && !(await options.authorize(req, target))) {
    const message = `not allowed to reach SyncTarget ${target.cluster}:${target.name}`;
    rejectUpgrade(socket, 403, 'Forbidden', message);
    return undefined;
  }
  const headers: Record<string, string> = { upgrade: 'websocket', connection: 'Upgrade' };
  const offered = req.headers['sec-websocket-protocol'];
  if (offered !== undefined && offered !== '') headers['sec-websocket-protocol'] = offered;
  let stream: MuxStream;
  try {
    stream = server.openStream(target, { method: 'GET', path, headers });
  } catch (err) {
    const unreachable = isTmcError(err) && err.type === TmcErrorType.ClusterUnreachable;
    rejectUpgrade(socket, unreachable ? 503 : 502, 'ServiceUnavailable', (err as Error).message);
    return undefined;
  }
  // The caller left before the answer: let the agent drop its downstream dial.
  const onEarlyClose = () => stream.reset('CANCEL', 'the caller went away');
  socket.once('close', onEarlyClose);
  const answer = await stream.responseHead().catch((err: Error) => err);
  socket.off('close', onEarlyClose);
  if (answer instanceof Error) {
    rejectUpgrade(socket, 502, 'InternalError', answer.message);
    return undefined;
  }
  if (answer.status !== 101) {
    await passRefusal(socket, stream, answer);
    return undefined;
  }
  if (socket.destroyed) {
    stream.reset('CANCEL', 'the caller went away');
    return undefined;
  }
  return { stream, protocol: answer.headers['sec-websocket-protocol'] };
}

/** Hands the downstream's refusal (status, headers, a bounded body) to the caller as its HTTP answer. */
async function passRefusal(socket: Duplex, stream: MuxStream, answer: ResponseHead): Promise<void> {
  const body = await readBounded(stream);
  const lines = [
    `HTTP/1.1 ${answer.status} ${nodeHttp.STATUS_CODES[answer.status] ?? ''}`,
    'Connection: close',
  ];
  for (const [key, value] of Object.entries(answer.headers)) lines.push(`${key}: ${value}`);
  lines.push(`Content-Length: ${body.byteLength}`, '', '');
  socket.end(Buffer.concat([Buffer.from(lines.join('\r\n')), body]));
}

async function readBounded(stream: MuxStream): Promise<Buffer> {
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for await (const chunk of stream) {
      total += chunk.byteLength;
      if (total > MAX_REFUSAL_BYTES) {
        stream.reset('CANCEL', 'refusal body too large');
        break;
      }
      chunks.push(chunk);
    }
  } catch {
    // A partial refusal body is still worth showing.
  }
  return Buffer.concat(chunks);
}
