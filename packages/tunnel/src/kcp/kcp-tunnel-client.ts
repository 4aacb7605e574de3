import type { ClientHttp2Session, ClientHttp2Stream, SecureClientSessionOptions } from 'node:http2';
import { LOGGER, type Logger, NOOP_LOGGER, type Tunnel, type TunnelState } from '@kcp-tmc/interfaces';
import { Backoff, type BackoffOptions } from '@kcp-tmc/kube';
import { BehaviorSubject, distinctUntilChanged, type Observable } from 'rxjs';
import { inject, injectable } from 'tsyringe';
import type { TunnelRequestHandler } from '../agent/handler.js';
import { DEFAULT_RECONNECT_BACKOFF } from '../agent/tunnel-client-options.js';
import { KCP_TUNNEL_OPTIONS, KCP_TUNNEL_REQUEST_HANDLER } from '../tokens.js';
import { encodeControlMessage, readControlMessages } from './control-message.js';
import { openReverseConnection } from './reverse-connection.js';
import { ReverseHttpServer } from './reverse-http-server.js';

export interface KcpTunnelOptions {
  /** From {@link kcpSyncerTunnelUrl}: `https://<kcp>/clusters/<cluster>/apis/workload.kcp.io/v1alpha1/synctargets/<name>/tunnel`. */
  url: string;
  /** Bearer token, or a function returning the current one (read on every dial, so rotation works). */
  token: string | (() => string | Promise<string>);
  /** The upstream kubeconfig's TLS settings: its CA and client certificate. */
  tls?: Pick<SecureClientSessionOptions, 'ca' | 'cert' | 'key' | 'rejectUnauthorized'>;
  /** Reconnect backoff; defaults as kcp's syncer: 5 s doubling to 5 min, reset after 1 min connected. */
  backoff?: Partial<BackoffOptions>;
  /** How long kcp may take to answer the control connection (ms). Default 30 s. */
  handshakeTimeoutMs?: number;
  /** HTTP/2 ping period on an idle connection (ms); kcp's syncer: 30 s, dropped after 15 s without answer. */
  pingIntervalMs?: number;
  random?: () => number;
}

const KCP_BACKOFF: BackoffOptions = {
  ...DEFAULT_RECONNECT_BACKOFF,
  initialMs: 5_000,
  maxMs: 5 * 60_000,
  factor: 2,
  resetAfterMs: 60_000,
};
const PING_TIMEOUT_MS = 15_000;

/**
 * kcp's syncer tunnel (the `KCPSyncerTunnel` gate), agent side: one HTTP/2 connection to kcp; a first GET on the
 * SyncTarget's `tunnel` subresource becomes the control connection (request body up, response body down, JSON
 * lines); every `conn-ready` asks for another such GET, which kcp turns into a reverse connection carrying one
 * HTTP/1.1 request from kcp's pod-subresource proxy. Those requests are answered by the request handler only.
 */
@injectable()
export class KcpSyncerTunnel implements Tunnel {
  private readonly subject = new BehaviorSubject<TunnelState>('disconnected');
  private readonly backoff: Backoff;
  private readonly http: ReverseHttpServer;
  private session: ClientHttp2Session | undefined;
  private started = false;
  private closing = false;
  private wake: (() => void) | undefined;
  private running: Promise<void> | undefined;
  private readonly handshakeTimeoutMs: number;

  constructor(
    @inject(KCP_TUNNEL_OPTIONS) private readonly options: KcpTunnelOptions,
    @inject(KCP_TUNNEL_REQUEST_HANDLER) handler: TunnelRequestHandler,
    @inject(LOGGER) private readonly logger: Logger = NOOP_LOGGER,
  ) {
    this.backoff = new Backoff({ ...KCP_BACKOFF, ...options.backoff }, options.random);
    this.handshakeTimeoutMs = options.handshakeTimeoutMs ?? 30_000;
    this.logger = logger.child({ component: 'kcp-syncer-tunnel', url: options.url });
    this.http = new ReverseHttpServer(handler, this.logger);
  }

  get state(): TunnelState {
    return this.subject.value;
  }

  /** The current state at once, then every change (a repeated state is not emitted again). */
  get state$(): Observable<TunnelState> {
    return this.subject.pipe(distinctUntilChanged());
  }

  start(): void {
    if (this.started || this.closing) return;
    this.started = true;
    this.running = this.run();
  }

  async close(): Promise<void> {
    this.closing = true;
    this.wake?.();
    this.session?.destroy();
    this.http.close();
    await this.running;
    this.subject.next('closed');
  }

  private async run(): Promise<void> {
    while (!this.closing) {
      this.subject.next('connecting');
      let connectedAt: number | undefined;
      try {
        await this.connect(() => {
          connectedAt = Date.now();
        });
      } catch (err) {
        if (!this.closing) this.logger.warn('kcp syncer tunnel failed', { error: (err as Error).message });
      }
      if (this.closing) break;
      this.subject.next('disconnected');
      if (connectedAt !== undefined && Date.now() - connectedAt >= this.backoff.resetAfterMs)
        this.backoff.reset();
      await this.sleep(this.backoff.next());
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  /** One control connection, from dial to its end. */
  private async connect(onConnected: () => void): Promise<void> {
    const url = new URL(this.options.url);
    // Loaded on the first dial: node:http2 (nghttp2's code and its JS) adds ~4 MiB to every process that imports
    // it, and the tunnel is off unless its feature gate is on.
    const { connect } = await import('node:http2');
    if (this.closing) return;
    const session = connect(url.origin, { ...this.options.tls, ALPNProtocols: ['h2'] });
    this.session = session;
    const sessionError = new Promise<never>((_, reject) => {
      session.on('error', reject);
      session.once('close', () => reject(new Error('HTTP/2 connection closed')));
    });
    sessionError.catch(() => {});
    const pinger = setInterval(() => this.ping(session), this.options.pingIntervalMs ?? 30_000);
    try {
      // kcp answers a control connection at once (a keep-alive); one that kcp took for a reverse connection of a
      // previous, not yet closed control connection stays silent: give up on it and dial again.
      let timer: ReturnType<typeof setTimeout> | undefined;
      const silent = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error('kcp did not answer the tunnel')), this.handshakeTimeoutMs);
      });
      const control = await Promise.race([this.open(session, url), sessionError, silent]).finally(() =>
        clearTimeout(timer),
      );
      this.subject.next('connected');
      onConnected();
      this.logger.info('kcp syncer tunnel connected');
      await Promise.race([this.control(session, url, control), sessionError]);
    } finally {
      clearInterval(pinger);
      session.destroy();
      if (this.session === session) this.session = undefined;
    }
  }

  private async control(session: ClientHttp2Session, url: URL, control: ClientHttp2Stream): Promise<void> {
    for await (const message of readControlMessages(control)) {
      if (message.command !== 'conn-ready') continue;
      // kcp waits for this pick-up (or a pickup-failed) before it proxies the caller's request.
      this.open(session, url).then(
        (connection) => this.http.serve(connection),
        (err: Error) => {
          this.logger.warn('kcp syncer tunnel: picking up a connection failed', { error: err.message });
          if (!control.destroyed)
            control.write(encodeControlMessage({ command: 'pickup-failed', err: err.message }));
        },
      );
    }
  }

  private async open(session: ClientHttp2Session, url: URL): Promise<ClientHttp2Stream> {
    const token = typeof this.options.token === 'function' ? await this.options.token() : this.options.token;
    return openReverseConnection(session, `${url.pathname}${url.search}`, token);
  }

  private ping(session: ClientHttp2Session): void {
    const timeout = setTimeout(() => session.destroy(new Error('HTTP/2 ping timed out')), PING_TIMEOUT_MS);
    const sent = session.ping((err) => {
      clearTimeout(timeout);
      if (err !== null && !session.destroyed) session.destroy(err);
    });
    if (!sent) clearTimeout(timeout);
  }
}
