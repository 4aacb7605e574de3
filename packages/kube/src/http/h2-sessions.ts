// HTTP/2 to one API server, as client-go speaks it: every request and every watch a stream on one TLS connection
// (a second only when the server's stream limit is reached), where HTTP/1.1 holds one connection per watch.
import type * as NodeHttp2 from 'node:http2';
import type { ClientHttp2Session, ClientHttp2Stream } from 'node:http2';
import { createRequire } from 'node:module';
import type { SecureContext, TLSSocket } from 'node:tls';
import { dialTls, remoteSettings } from './h2-connect.js';

/** TLS settings of a pool's connections (one secure context for all of them). */
export interface SessionTls {
  secureContext: SecureContext;
  rejectUnauthorized?: boolean;
  servername?: string;
}

export interface Http2SessionOptions {
  /** Opening a connection, TLS included, may take this long (ms). */
  connectTimeoutMs: number;
  /** A connection without streams is closed after this long (ms). */
  idleTimeoutMs: number;
  /** TCP keep-alive probes start after this long idle (ms). */
  keepAliveMs: number;
  /** A connection with streams is pinged this often (ms), and closed when no answer comes in `pingTimeoutMs`. */
  pingIntervalMs: number;
  pingTimeoutMs: number;
  /** The code given to a connection that did not open in time. */
  connectTimeoutCode: string;
}

// Go's HTTP/2 transport, which client-go uses: 4 MiB per stream, 1 GiB per connection. Less here: the windows
// are credit, not buffers, but a stream nobody reads may hold its window in memory. 1 MiB lets a 500-object
// page of a list arrive without waiting for window updates.
const STREAM_WINDOW = 1 << 20;
const SESSION_WINDOW = 16 << 20;
// Node refuses new streams on a session past this much memory (default 10 MB): a ceiling above what the
// windows allow to be in flight, so a burst of large lists never turns into refused watches.
const SESSION_MEMORY_MB = 32;

// Loaded on the first connection: a process that never dials HTTPS does not pay for node:http2.
let http2: typeof NodeHttp2 | undefined;
function loadHttp2(): typeof NodeHttp2 {
  http2 ??= createRequire(import.meta.url)('node:http2') as typeof NodeHttp2;
  return http2;
}

/** The promise, or the signal's reason if it aborts first. */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal === undefined) return promise;
  return new Promise((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

interface Tracked {
  session: ClientHttp2Session;
  /** No stream has been opened on it yet: a failure to open one is the connection's, not its age's. */
  fresh: boolean;
  streams: number;
  idle: NodeJS.Timeout | undefined;
  ping: NodeJS.Timeout | undefined;
}

/**
 * The HTTP/2 connections of one pool (one origin and TLS setting). The first connection asks for `h2` or
 * `http/1.1` by ALPN: a server that picks HTTP/1.1 (or none) is remembered, and `session` answers undefined from
 * then on, leaving its requests to the HTTP/1.1 pool.
 */
export class Http2Sessions {
  private readonly live: Tracked[] = [];
  private connecting: Promise<Tracked | undefined> | undefined;
  private http1Only = false;
  private closed = false;
  /** The TLS connection being opened, ended if the pool closes first. */
  private dialing: TLSSocket | undefined;

  constructor(
    private readonly origin: URL,
    private readonly tls: SessionTls,
    private readonly options: Http2SessionOptions,
  ) {}

  /** Whether the server is known not to speak HTTP/2. */
  get speaksHttp1Only(): boolean {
    return this.http1Only;
  }

  /**
   * Opens a stream for a request on a connection with room for it. Undefined when the server does not speak
   * HTTP/2. Rejects with the connection's error (its `code`) when none can be opened, and with the signal's
   * reason when it aborts first (a connection still opening then joins the pool).
   */
  async request(
    headers: NodeHttp2.OutgoingHttpHeaders,
    endStream: boolean,
    signal?: AbortSignal,
  ): Promise<ClientHttp2Stream | undefined> {
    for (;;) {
      if (this.closed) throw new Error('connection pool is closed');
      signal?.throwIfAborted();
      const tracked = this.withRoom() ?? (await untilAborted(this.connect(), signal));
      if (tracked === undefined) return undefined;
      // Another caller may have filled it while this one waited for the connection.
      if (!this.usable(tracked)) continue;
      signal?.throwIfAborted();
      let stream: ClientHttp2Stream;
      try {
        stream = tracked.session.request(headers, { endStream });
      } catch (err) {
        // The connection can take no new stream (closing, or its 2^31 stream ids spent): use another.
        this.retire(tracked, false);
        if (tracked.streams === 0 && tracked.fresh) throw err;
        continue;
      }
      tracked.fresh = false;
      this.track(tracked, stream);
      return stream;
    }
  }

  /** Closes every connection: open streams end with an error, as an HTTP/1.1 agent's `destroy` ends them. */
  close(): void {
    this.closed = true;
    this.dialing?.destroy(new Error('connection pool is closed'));
    for (const tracked of this.live.splice(0)) this.retire(tracked, true);
  }

  private withRoom(): Tracked | undefined {
    return this.live.find((t) => this.usable(t));
  }

  private usable(tracked: Tracked): boolean {
    const { session } = tracked;
    if (session.closed || session.destroyed || !this.live.includes(tracked)) return false;
    const limit = session.remoteSettings.maxConcurrentStreams ?? 100;
    return tracked.streams < limit;
  }

  private connect(): Promise<Tracked | undefined> {
    if (this.http1Only) return Promise.resolve(undefined);
    this.connecting ??= this.open().finally(() => {
      this.connecting = undefined;
    });
    return this.connecting;
  }

  private async open(): Promise<Tracked | undefined> {
    const { connectTimeoutMs: ms, connectTimeoutCode: code, keepAliveMs } = this.options;
    const dialing = dialTls(this.origin, this.tls, { timeoutMs: ms, timeoutCode: code, keepAliveMs });
    this.dialing = dialing.socket;
    const socket = await dialing.ready.finally(() => {
      if (this.dialing === dialing.socket) this.dialing = undefined;
    });
    if (socket.alpnProtocol !== 'h2') {
      socket.destroy();
      this.http1Only = true;
      return undefined;
    }
    const session = loadHttp2().connect(this.origin, {
      createConnection: () => socket,
      settings: { enablePush: false, initialWindowSize: STREAM_WINDOW },
      maxSessionMemory: SESSION_MEMORY_MB,
    });
    const tracked: Tracked = { session, fresh: true, streams: 0, idle: undefined, ping: undefined };
    // Errors reach the streams; the connection only leaves the pool.
    session.on('error', () => this.retire(tracked, false));
    session.once('close', () => this.retire(tracked, false));
    // The server stops taking streams (it is shutting down): new requests go to a new connection, the open
    // ones finish here.
    session.once('goaway', () => this.retire(tracked, false));
    session.once('connect', () => session.setLocalWindowSize(SESSION_WINDOW));
    // The server's stream limit comes in its first SETTINGS, sent at once: waiting for it keeps watches from
    // queueing behind a limit the pool did not know yet.
    await remoteSettings(session, ms, code);
    if (this.closed) {
      session.destroy();
      throw new Error('connection pool is closed');
    }
    this.live.push(tracked);
    this.becameIdle(tracked);
    return tracked;
  }

  private track(tracked: Tracked, stream: ClientHttp2Stream): void {
    tracked.streams++;
    if (tracked.idle !== undefined) {
      clearTimeout(tracked.idle);
      tracked.idle = undefined;
      tracked.session.ref();
      this.startPing(tracked);
    }
    stream.once('close', () => {
      tracked.streams--;
      if (tracked.streams === 0 && this.live.includes(tracked)) this.becameIdle(tracked);
    });
  }

  /** No streams: the connection does not hold the process open, and closes when nothing comes for it. */
  private becameIdle(tracked: Tracked): void {
    this.stopPing(tracked);
    tracked.session.unref();
    tracked.idle = setTimeout(() => this.retire(tracked, false), this.options.idleTimeoutMs).unref();
  }

  /**
   * client-go's health check: a connection with open streams (watches may be silent for minutes) is pinged, and
   * one that does not answer is closed, failing its streams so their callers open new ones.
   */
  private startPing(tracked: Tracked): void {
    const { pingIntervalMs, pingTimeoutMs } = this.options;
    tracked.ping = setInterval(() => {
      const { session } = tracked;
      if (session.closed || session.destroyed) return;
      const timer = setTimeout(() => {
        const err = Object.assign(new Error(`no answer to an HTTP/2 ping in ${pingTimeoutMs} ms`), {
          code: 'ETIMEDOUT',
        });
        session.destroy(err);
      }, pingTimeoutMs).unref();
      const sent = session.ping(() => clearTimeout(timer));
      if (!sent) clearTimeout(timer);
    }, pingIntervalMs).unref();
  }

  private stopPing(tracked: Tracked): void {
    if (tracked.ping !== undefined) clearInterval(tracked.ping);
    tracked.ping = undefined;
  }

  /** Takes a connection out of the pool: closed gracefully (open streams finish), or destroyed. */
  private retire(tracked: Tracked, destroy: boolean): void {
    const at = this.live.indexOf(tracked);
    if (at >= 0) this.live.splice(at, 1);
    if (tracked.idle !== undefined) clearTimeout(tracked.idle);
    tracked.idle = undefined;
    this.stopPing(tracked);
    const { session } = tracked;
    if (session.destroyed) return;
    if (destroy) session.destroy();
    else if (!session.closed) session.close();
  }
}
