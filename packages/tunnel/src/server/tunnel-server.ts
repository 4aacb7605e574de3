import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import {
  type Clock,
  type Logger,
  NOOP_LOGGER,
  SYSTEM_CLOCK,
  type SyncTargetRef,
  TmcError,
  TmcErrorType,
} from '@kcp-tmc/interfaces';
import { BehaviorSubject, type Observable } from 'rxjs';
import { type WebSocket, WebSocketServer } from 'ws';
import { FRAME_HEADER_BYTES, type RequestHead } from '../protocol/frames.js';
import { syncTargetHeaderValue, TUNNEL_SUBPROTOCOL } from '../protocol/handshake.js';
import { startKeepAlive } from '../protocol/keep-alive.js';
import { DEFAULT_MAX_FRAME_SIZE, MuxSession } from '../protocol/mux.js';
import type { MuxStream } from '../protocol/stream.js';
import { admitAgent } from './admit-agent.js';
import { createTunnelHttpHandler, type TunnelHttpHandlerOptions } from './http-handler.js';
import { rejectUpgrade } from './reject.js';
import { responseBody, tunnelError } from './response-body.js';
import type { TunneledResponse, TunnelSendRequest, TunnelServerOptions } from './tunnel-server-types.js';
import { createUpgradeRelay } from './upgrade-relay.js';

export type {
  TunnelAuthenticator,
  TunneledResponse,
  TunnelSendRequest,
  TunnelServerOptions,
} from './tunnel-server-types.js';

type TargetName = Pick<SyncTargetRef, 'cluster' | 'name'>;

interface Agent {
  ref: SyncTargetRef;
  session: MuxSession;
  connectedAt: number;
}

/**
 * The upstream side of the reverse tunnel, for any TMC component: authenticates agents, tracks which
 * SyncTargets are connected, and sends HTTP requests to a SyncTarget's cluster through its agent.
 */
export class TunnelServer {
  readonly path: string;
  private readonly agents = new Map<string, Agent>();
  private readonly wss: WebSocketServer;
  private readonly logger: Logger;
  private readonly clock: Clock;
  private readonly pingIntervalMs: number;
  private readonly readDeadlineMs: number;
  private readonly connectedSubject = new BehaviorSubject<readonly SyncTargetRef[]>([]);
  private closed = false;
  private readonly relayed = new Set<WebSocket>();

  constructor(private readonly options: TunnelServerOptions) {
    this.path = options.path ?? '/tunnel';
    this.logger = (options.logger ?? NOOP_LOGGER).child({ component: 'tunnel-server' });
    this.clock = options.clock ?? SYSTEM_CLOCK;
    this.pingIntervalMs = options.pingIntervalMs ?? 54_000;
    this.readDeadlineMs = options.readDeadlineMs ?? 60_000;
    const maxFrame = options.mux?.maxFrameSize ?? DEFAULT_MAX_FRAME_SIZE;
    this.wss = new WebSocketServer({
      noServer: true,
      perMessageDeflate: false,
      // A frame is one message: anything larger is a broken or hostile peer.
      maxPayload: Math.max(maxFrame, 64 * 1024) + FRAME_HEADER_BYTES,
      handleProtocols: (protocols) => (protocols.has(TUNNEL_SUBPROTOCOL) ? TUNNEL_SUBPROTOCOL : false),
    });
  }

  /** The connected SyncTargets, re-emitted on every change (current value first). */
  get connected$(): Observable<readonly SyncTargetRef[]> {
    return this.connectedSubject.asObservable();
  }

  connected(): SyncTargetRef[] {
    return [...this.agents.values()].map((agent) => agent.ref);
  }

  isConnected(target: TargetName): boolean {
    return this.agents.has(syncTargetHeaderValue(target));
  }

  /**
   * Serves the tunnel endpoint on `server`; with `relay`, also WebSocket requests under the HTTP handler's URLs
   * (see {@link upgradeRelay}). Other upgrade paths are left to other listeners, or get 404.
   */
  attach(server: Server, options: { relay?: TunnelHttpHandlerOptions } = {}): this {
    const relay = options.relay === undefined ? undefined : this.upgradeRelay(options.relay);
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      if (this.handleUpgrade(req, socket, head)) return;
      if (relay?.(req, socket, head)) return;
      if (server.listenerCount('upgrade') === 1) rejectUpgrade(socket, 404, 'NotFound', 'no such endpoint');
    });
    return this;
  }

  /** For an existing upgrade listener: returns false, touching nothing, if the path is not the tunnel's. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean {
    const pathname = new URL(req.url ?? '/', 'http://tunnel.invalid').pathname;
    if (pathname !== this.path) return false;
    socket.on('error', (err) => this.logger.debug('tunnel socket error', { error: err.message }, 4));
    void this.upgrade(req, socket, head);
    return true;
  }

  /** A node:http request handler mapping `/syncers/<cluster>/<name>/<path>` to {@link send}. */
  httpHandler(options?: TunnelHttpHandlerOptions): (req: IncomingMessage, res: ServerResponse) => void {
    return createTunnelHttpHandler(this, options);
  }

  /** Resolves once `target` is connected; rejects when `signal` aborts. */
  waitForConnection(target: TargetName, signal?: AbortSignal): Promise<SyncTargetRef> {
    return new Promise((resolve, reject) => {
      const id = syncTargetHeaderValue(target);
      let subscription: { unsubscribe(): void } | undefined;
      const onAbort = () => {
        subscription?.unsubscribe();
        reject(signal?.reason);
      };
      if (signal?.aborted) return onAbort();
      signal?.addEventListener('abort', onAbort, { once: true });
      subscription = this.connectedSubject.subscribe({
        next: (refs) => {
          const ref = refs.find((candidate) => syncTargetHeaderValue(candidate) === id);
          if (ref === undefined) return;
          signal?.removeEventListener('abort', onAbort);
          queueMicrotask(() => subscription?.unsubscribe());
          resolve(ref);
        },
      });
    });
  }

  /**
   * Sends one request to `target`'s agent. Rejects with a `ClusterUnreachable` TmcError when the SyncTarget is
   * not connected or the connection drops before the answer's head; a drop later errors the body stream.
   */
  async send(target: TargetName, request: TunnelSendRequest): Promise<TunneledResponse> {
    const id = syncTargetHeaderValue(target);
    request.signal?.throwIfAborted();
    const stream = this.openStream(target, {
      method: request.method ?? 'GET',
      path: request.path,
      headers: request.headers ?? {},
    });
    const signal = request.signal;
    const onAbort = () => stream.reset('CANCEL', 'the caller aborted the request');
    signal?.addEventListener('abort', onAbort, { once: true });
    const release = () => signal?.removeEventListener('abort', onAbort);
    // The body goes out while we wait for the answer: an agent may answer (and refuse) before reading it.
    const body = request.body;
    void (async () => {
      if (body !== undefined) await stream.write(typeof body === 'string' ? Buffer.from(body) : body);
      stream.end();
    })().catch(() => {
      // The stream failed; the answer (or its absence) tells the caller why.
    });
    try {
      const head = await stream.responseHead();
      return { status: head.status, headers: head.headers, body: responseBody(stream, id, release, signal) };
    } catch (err) {
      release();
      stream.reset('CANCEL', 'request failed');
      if (signal?.aborted) throw signal.reason;
      throw tunnelError(id, err);
    }
  }

  /**
   * Low level: opens a raw stream to `target`'s agent and sends the request head; the caller writes, ends and
   * reads it. Throws a `ClusterUnreachable` TmcError when the target is not connected.
   */
  openStream(target: TargetName, head: RequestHead): MuxStream {
    const id = syncTargetHeaderValue(target);
    const agent = this.agents.get(id);
    if (agent === undefined) {
      throw new TmcError({
        type: TmcErrorType.ClusterUnreachable,
        message: `SyncTarget ${id} has no tunnel connection`,
        status: 503,
      });
    }
    const headers: Record<string, string> = {};
    for (const [key, value] of Object.entries(head.headers)) headers[key.toLowerCase()] = value;
    try {
      return agent.session.open({ method: head.method, path: head.path, headers });
    } catch (err) {
      throw tunnelError(id, err);
    }
  }

  /**
   * An upgrade listener relaying WebSocket requests under the HTTP handler's URLs (`/syncers/<cluster>/<name>/…`,
   * e.g. pods/exec) to the agent; returns false, touching nothing, for other requests.
   */
  upgradeRelay(
    options?: TunnelHttpHandlerOptions,
  ): (req: IncomingMessage, socket: Duplex, head: Buffer) => boolean {
    return createUpgradeRelay(this, this.logger, options, (ws) => {
      this.relayed.add(ws);
      ws.once('close', () => this.relayed.delete(ws));
    });
  }

  /** Disconnects every agent and stops accepting new ones. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const agent of this.agents.values()) agent.session.close(1001, 'tunnel server shutting down');
    for (const ws of this.relayed) ws.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    this.connectedSubject.complete();
  }

  // ---- accepting agents -----------------------------------------------------------------------------------------

  private async upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    if (this.closed)
      return rejectUpgrade(socket, 503, 'ServiceUnavailable', 'tunnel server is shutting down');
    const ref = await admitAgent(req, socket, this.options.authenticate, this.logger);
    if (ref === undefined || socket.destroyed || this.closed) return;
    this.wss.handleUpgrade(req, socket, head, (ws) => this.onConnection(ws, ref));
  }

  private onConnection(ws: WebSocket, ref: SyncTargetRef): void {
    const id = syncTargetHeaderValue(ref);
    const session = new MuxSession(ws, { ...this.options.mux, role: 'server', logger: this.logger });
    const agent: Agent = { ref, session, connectedAt: this.clock.now() };
    const previous = this.agents.get(id);
    this.agents.set(id, agent);
    // The newest connection wins: an agent that reconnects may find its half-open old one still listed.
    previous?.session.close(4000, 'replaced by a newer connection from the same SyncTarget');
    const keepAlive = startKeepAlive(ws, {
      clock: this.clock,
      pingIntervalMs: this.pingIntervalMs,
      readDeadlineMs: this.readDeadlineMs,
      onDeadline: (silentMs) =>
        this.logger.warn('agent silent past the read deadline, dropping it', { syncTarget: id, silentMs }),
    });
    session.onClose((err) => {
      keepAlive.stop();
      if (this.agents.get(id) === agent) {
        this.agents.delete(id);
        this.connectedSubject.next(this.connected());
      }
      this.logger.info('agent disconnected', { syncTarget: id, reason: err.message });
    });
    this.logger.info('agent connected', { syncTarget: id });
    this.connectedSubject.next(this.connected());
  }
}
