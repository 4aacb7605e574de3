import {
  CLOCK,
  type Clock,
  LOGGER,
  type Logger,
  NOOP_LOGGER,
  SYNC_TARGET,
  SYSTEM_CLOCK,
  type SyncTargetRef,
  type Tunnel,
  type TunnelState,
} from '@kcp-tmc/interfaces';
import { inject, injectable } from 'tsyringe';
import WebSocket from 'ws';
import { SYNC_TARGET_HEADER, syncTargetHeaderValue, TUNNEL_SUBPROTOCOL } from '../protocol/handshake.js';
import { type KeepAlive, startKeepAlive } from '../protocol/keep-alive.js';
import { type MuxOptions, MuxSession } from '../protocol/mux.js';
import type { MuxStream } from '../protocol/stream.js';
import { TUNNEL_CLIENT_OPTIONS, TUNNEL_REQUEST_HANDLER } from '../tokens.js';
import { StateSubject } from '../util/state-subject.js';
import { Backoff, type BackoffOptions } from './backoff.js';
import type { TunnelRequestHandler } from './handler.js';
import { serveStream } from './serve-stream.js';

/** Keep-alive defaults of the seed's connection manager: ping every 54 s, drop after 60 s of silence. */
export const DEFAULT_PING_INTERVAL_MS = 54_000;
export const DEFAULT_READ_DEADLINE_MS = 60_000;
export const DEFAULT_HANDSHAKE_TIMEOUT_MS = 30_000;
const DEFAULT_CLOSE_TIMEOUT_MS = 5_000;

export interface TunnelClientOptions {
  /** The tunnel server's WebSocket URL (`ws://` or `wss://`). */
  url: string;
  /** Bearer token, or a function returning the current one (read again on every dial, so rotation works). */
  token: string | (() => string | Promise<string>);
  /** How often to ping the server (ms). */
  pingIntervalMs?: number;
  /** Drop the connection after this long without any frame or pong from the server (ms). */
  readDeadlineMs?: number;
  handshakeTimeoutMs?: number;
  /** Reconnect backoff; defaults 1 s doubling to 5 min with jitter. */
  backoff?: BackoffOptions;
  /** Random source for the jitter (tests pin it). */
  random?: () => number;
  mux?: Pick<MuxOptions, 'streamWindow' | 'maxFrameSize' | 'maxConcurrentStreams' | 'writeHighWaterMark'>;
  /** Extra `ws` client options: TLS (`ca`, `cert`, `key`, `rejectUnauthorized`), agent, extra headers. */
  websocket?: WebSocket.ClientOptions;
  /** How long `close()` waits for the server to acknowledge the close before dropping the socket (ms). */
  closeTimeoutMs?: number;
}

/** Counters for metrics and debugging. */
export interface TunnelClientStats {
  state: TunnelState;
  /** Successful handshakes. */
  connects: number;
  /** Dials that failed before the handshake completed. */
  dialFailures: number;
  /** Established connections that were lost. */
  disconnects: number;
  activeStreams: number;
  streamsServed: number;
  /** HTTP status of the last refused handshake (401, 403, ...). */
  lastDialStatus?: number;
  lastError?: string;
  /** Clock time of the next dial while waiting in backoff. */
  nextDialAt?: number;
  /** Clock time the server was last heard from (any frame, ping or pong) on the current connection. */
  lastReadAt?: number;
}

/**
 * The agent's side of the reverse tunnel: dials the server, keeps the connection alive, reconnects with
 * jittered backoff, and serves the streams the server opens through a {@link TunnelRequestHandler}.
 */
@injectable()
export class TunnelClient implements Tunnel {
  private readonly subject = new StateSubject<TunnelState>('disconnected');
  private readonly backoff: Backoff;
  private readonly pingIntervalMs: number;
  private readonly readDeadlineMs: number;
  private ws: WebSocket | undefined;
  private session: MuxSession | undefined;
  private started = false;
  private closing = false;
  private retryTimer: unknown;
  private keepAlive: KeepAlive | undefined;
  private closePromise: Promise<void> | undefined;
  private readonly counters: Omit<TunnelClientStats, 'state' | 'activeStreams'> = {
    connects: 0,
    dialFailures: 0,
    disconnects: 0,
    streamsServed: 0,
  };
  private activeStreams = 0;

  constructor(
    @inject(TUNNEL_CLIENT_OPTIONS) private readonly options: TunnelClientOptions,
    @inject(SYNC_TARGET) private readonly syncTarget: SyncTargetRef,
    @inject(TUNNEL_REQUEST_HANDLER) private readonly handler: TunnelRequestHandler,
    @inject(LOGGER) private readonly logger: Logger = NOOP_LOGGER,
    @inject(CLOCK) private readonly clock: Clock = SYSTEM_CLOCK,
  ) {
    this.backoff = new Backoff(options.backoff, options.random);
    this.pingIntervalMs = options.pingIntervalMs ?? DEFAULT_PING_INTERVAL_MS;
    this.readDeadlineMs = options.readDeadlineMs ?? DEFAULT_READ_DEADLINE_MS;
    if (!(this.pingIntervalMs > 0) || !(this.readDeadlineMs > this.pingIntervalMs)) {
      throw new RangeError('tunnel: need 0 < pingIntervalMs < readDeadlineMs');
    }
    this.logger = logger.child({ component: 'tunnel-client', url: options.url });
  }

  get state(): TunnelState {
    return this.subject.value;
  }

  get state$(): StateSubject<TunnelState> {
    return this.subject;
  }

  stats(): TunnelClientStats {
    const stats: TunnelClientStats = {
      ...this.counters,
      state: this.state,
      activeStreams: this.activeStreams,
    };
    if (this.state === 'connected' && this.keepAlive !== undefined)
      stats.lastReadAt = this.keepAlive.lastReadAt();
    return stats;
  }

  start(): void {
    if (this.closing) throw new Error('tunnel client is closed');
    if (this.started) return;
    this.started = true;
    void this.dial();
  }

  close(): Promise<void> {
    this.closePromise ??= this.shutdown();
    return this.closePromise;
  }

  // ---- connection lifecycle -----------------------------------------------------------------------------------

  private async dial(): Promise<void> {
    this.retryTimer = undefined;
    delete this.counters.nextDialAt;
    if (this.closing) return;
    this.subject.next('connecting');
    let token: string;
    try {
      token = typeof this.options.token === 'function' ? await this.options.token() : this.options.token;
    } catch (err) {
      this.counters.lastError = `token: ${(err as Error).message}`;
      return this.dialFailed();
    }
    if (this.closing) return;

    let ws: WebSocket;
    try {
      ws = new WebSocket(this.options.url, TUNNEL_SUBPROTOCOL, {
        ...this.options.websocket,
        handshakeTimeout: this.options.handshakeTimeoutMs ?? DEFAULT_HANDSHAKE_TIMEOUT_MS,
        perMessageDeflate: false,
        headers: {
          ...this.options.websocket?.headers,
          authorization: `Bearer ${token}`,
          [SYNC_TARGET_HEADER]: syncTargetHeaderValue(this.syncTarget),
        },
      });
    } catch (err) {
      // A malformed URL or option: retrying will not help much, but keep the agent alive and say why.
      this.counters.lastError = (err as Error).message;
      return this.dialFailed();
    }
    this.ws = ws;
    let opened = false;
    let refused = false;

    ws.on('unexpected-response', (_req, res) => {
      refused = true;
      // The server refused the upgrade (401/403/...): keep its Status message for the log, then give up this dial.
      this.counters.lastDialStatus = res.statusCode ?? 0;
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        if (body.length < 2048) body += chunk;
      });
      const finish = () => {
        this.counters.lastError = `handshake refused with ${res.statusCode}: ${statusMessage(body)}`;
        ws.terminate();
      };
      res.once('end', finish);
      res.once('error', finish);
    });
    ws.on('error', (err) => {
      if (!refused) this.counters.lastError = err.message;
    });
    ws.on('open', () => {
      opened = true;
      delete this.counters.lastDialStatus;
      this.onOpen(ws);
    });
    ws.on('close', (code, reason) => {
      if (this.ws === ws) {
        this.ws = undefined;
        this.session = undefined;
      }
      if (opened) this.onConnectionLost(code, reason.toString());
      else this.dialFailed();
    });
  }

  private onOpen(ws: WebSocket): void {
    if (this.closing) {
      ws.close(1000, 'agent shutting down');
      return;
    }
    const openedAt = this.clock.now();
    this.counters.connects += 1;
    this.session = new MuxSession(ws, {
      ...this.options.mux,
      role: 'client',
      logger: this.logger,
      onStream: (stream) => this.serve(stream),
    });
    this.keepAlive = startKeepAlive(ws, {
      clock: this.clock,
      pingIntervalMs: this.pingIntervalMs,
      readDeadlineMs: this.readDeadlineMs,
      onDeadline: (silentMs) =>
        this.logger.warn('tunnel read deadline passed, dropping the connection', { silentMs }),
    });
    ws.once('close', () => {
      // A connection that stayed up long enough proves the server healthy again: start backoff over.
      if (this.clock.now() - openedAt >= this.backoff.resetAfterMs) this.backoff.reset();
    });
    this.logger.info('tunnel connected', { syncTarget: syncTargetHeaderValue(this.syncTarget) });
    this.subject.next('connected');
  }

  private onConnectionLost(code: number, reason: string): void {
    this.stopKeepAlive();
    if (this.closing) return;
    this.counters.disconnects += 1;
    this.counters.lastError = `connection lost (${code}${reason ? `: ${reason}` : ''})`;
    this.logger.warn('tunnel connection lost', { code, reason });
    this.scheduleDial();
  }

  private dialFailed(): void {
    if (this.closing) return;
    this.counters.dialFailures += 1;
    this.logger.warn('tunnel dial failed', {
      error: this.counters.lastError,
      status: this.counters.lastDialStatus,
      attempt: this.backoff.attempts + 1,
    });
    this.scheduleDial();
  }

  private scheduleDial(): void {
    const delay = this.backoff.next();
    this.counters.nextDialAt = this.clock.now() + delay;
    this.retryTimer = this.clock.setTimeout(() => void this.dial(), delay);
    // Emitted last, so a subscriber already sees when the next dial is due.
    this.subject.next('disconnected');
  }

  private stopKeepAlive(): void {
    this.keepAlive?.stop();
    this.keepAlive = undefined;
  }

  // ---- serving streams ----------------------------------------------------------------------------------------

  private serve(stream: MuxStream): void {
    this.activeStreams += 1;
    this.counters.streamsServed += 1;
    serveStream(stream, this.handler, this.logger)
      .catch((err: unknown) => {
        const path = stream.requestHead?.path;
        this.logger.debug('tunneled request failed', { path, error: (err as Error).message }, 4);
      })
      .finally(() => {
        this.activeStreams -= 1;
      });
  }

  private async shutdown(): Promise<void> {
    this.closing = true;
    if (this.retryTimer !== undefined) this.clock.clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    this.stopKeepAlive();
    const ws = this.ws;
    if (ws !== undefined && ws.readyState !== WebSocket.CLOSED) {
      await new Promise<void>((resolve) => {
        const timer = this.clock.setTimeout(() => {
          ws.terminate();
          resolve();
        }, this.options.closeTimeoutMs ?? DEFAULT_CLOSE_TIMEOUT_MS);
        ws.once('close', () => {
          this.clock.clearTimeout(timer);
          resolve();
        });
        if (ws.readyState === WebSocket.CONNECTING) ws.terminate();
        else if (this.session !== undefined) this.session.close(1000, 'agent shutting down');
        else ws.close(1000, 'agent shutting down');
      });
    }
    this.subject.next('closed');
    this.subject.complete();
    this.logger.info('tunnel closed');
  }
}

function statusMessage(body: string): string {
  try {
    const parsed = JSON.parse(body) as { message?: unknown };
    if (typeof parsed.message === 'string') return parsed.message;
  } catch {
    // not a Status: fall through to the raw text
  }
  return body.trim().slice(0, 200) || 'no body';
}
