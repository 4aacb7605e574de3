import type { TunnelState } from '@kcp-tmc/interfaces';
import type { BackoffOptions } from '@kcp-tmc/kube';
import type WebSocket from 'ws';
import type { MuxOptions } from '../protocol/mux.js';

/** Keep-alive defaults of the seed's connection manager: ping every 54 s, drop after 60 s of silence. */
export const DEFAULT_PING_INTERVAL_MS = 54_000;
export const DEFAULT_READ_DEADLINE_MS = 60_000;
export const DEFAULT_HANDSHAKE_TIMEOUT_MS = 30_000;
export const DEFAULT_CLOSE_TIMEOUT_MS = 5_000;

/**
 * Reconnect backoff: 1 s doubling to 5 min, up to half of each delay taken off at random (agents that lost the
 * same server do not come back in lock-step, and the cap is never exceeded); 30 s connected starts it over.
 */
export const DEFAULT_RECONNECT_BACKOFF: Readonly<Required<BackoffOptions>> = Object.freeze({
  initialMs: 1_000,
  maxMs: 5 * 60_000,
  factor: 2,
  jitter: 0.5,
  jitterMode: 'shorten',
  resetAfterMs: 30_000,
});

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
  backoff?: Partial<BackoffOptions>;
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
