import type { Clock, Logger, SyncTargetRef, Tunnel, TunnelState } from '@kcp-tmc/interfaces';
import { CLOCK, LOGGER, NOOP_LOGGER, SYNC_TARGET, SYSTEM_CLOCK } from '@kcp-tmc/interfaces';
import { Backoff } from '@kcp-tmc/kube';
import { BehaviorSubject, distinctUntilChanged, type Observable } from 'rxjs';
import { inject, injectable } from 'tsyringe';
import WebSocket from 'ws';
import { syncTargetHeaderValue } from '../protocol/handshake.js';
import { type KeepAlive, startKeepAlive } from '../protocol/keep-alive.js';
import { MuxSession } from '../protocol/mux.js';
import type { MuxStream } from '../protocol/stream.js';
import { TUNNEL_CLIENT_OPTIONS, TUNNEL_REQUEST_HANDLER } from '../tokens.js';
import { openTunnelSocket, recordRefusal } from './dial-socket.js';
import type { TunnelRequestHandler } from './handler.js';
import { serveStream } from './serve-stream.js';
import {
  DEFAULT_CLOSE_TIMEOUT_MS,
  DEFAULT_PING_INTERVAL_MS,
  DEFAULT_READ_DEADLINE_MS,
  DEFAULT_RECONNECT_BACKOFF,
  type TunnelClientOptions,
  type TunnelClientStats,
} from './tunnel-client-options.js';

export {
  DEFAULT_HANDSHAKE_TIMEOUT_MS,
  DEFAULT_PING_INTERVAL_MS,
  DEFAULT_READ_DEADLINE_MS,
  type TunnelClientOptions,
  type TunnelClientStats,
} from './tunnel-client-options.js';

/**
 * The agent's side of the reverse tunnel: dials the server, keeps the connection alive, reconnects with
 * jittered backoff, and serves the streams the server opens through a {@link TunnelRequestHandler}.
 */
@injectable()
export class TunnelClient implements Tunnel {
  private readonly subject = new BehaviorSubject<TunnelState>('disconnected');
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
    this.backoff = new Backoff({ ...DEFAULT_RECONNECT_BACKOFF, ...options.backoff }, options.random);
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

  /** The current state at once, then every change (a repeated state is not emitted again). */
  get state$(): Observable<TunnelState> {
    return this.subject.pipe(distinctUntilChanged());
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
      ws = openTunnelSocket(this.options, this.syncTarget, token);
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
      recordRefusal(ws, res, this.counters);
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
