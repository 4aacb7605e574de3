import type { Clock } from '@kcp-tmc/interfaces';
import type WebSocket from 'ws';

export interface KeepAliveOptions {
  clock: Clock;
  /** How often to ping (ms). */
  pingIntervalMs: number;
  /** Give up on a peer silent this long (ms): no frame, ping or pong. */
  readDeadlineMs: number;
  /** Called once when the deadline passes, with how long the peer was silent; the socket is terminated after. */
  onDeadline?: (silentMs: number) => void;
}

export interface KeepAlive {
  /** Clock time the peer was last heard from. */
  lastReadAt(): number;
  stop(): void;
}

/**
 * Pings an open WebSocket and drops it when the peer falls silent. One timer serves both jobs and is re-armed
 * lazily, since resetting a timer on every message would cost more than the messages.
 */
export function startKeepAlive(ws: WebSocket, options: KeepAliveOptions): KeepAlive {
  const { clock, pingIntervalMs, readDeadlineMs } = options;
  if (!(pingIntervalMs > 0) || !(readDeadlineMs > pingIntervalMs)) {
    throw new RangeError('keep-alive: need 0 < pingIntervalMs < readDeadlineMs');
  }
  let lastReadAt = clock.now();
  let nextPingAt = lastReadAt + pingIntervalMs;
  let stopped = false;
  const markRead = () => {
    lastReadAt = clock.now();
  };
  ws.on('message', markRead);
  ws.on('pong', markRead);
  ws.on('ping', markRead);

  let timer: unknown;
  const tick = () => {
    if (stopped) return;
    const now = clock.now();
    const silentMs = now - lastReadAt;
    if (silentMs >= readDeadlineMs) {
      stopped = true;
      options.onDeadline?.(silentMs);
      ws.terminate();
      return;
    }
    if (now >= nextPingAt) {
      if (ws.readyState === ws.OPEN) ws.ping();
      nextPingAt = now + pingIntervalMs;
    }
    timer = clock.setTimeout(tick, Math.max(Math.min(nextPingAt, lastReadAt + readDeadlineMs) - now, 1));
  };
  timer = clock.setTimeout(tick, pingIntervalMs);
  const stop = () => {
    stopped = true;
    clock.clearTimeout(timer);
    ws.off('message', markRead);
    ws.off('pong', markRead);
    ws.off('ping', markRead);
  };
  ws.once('close', stop);
  return { lastReadAt: () => lastReadAt, stop };
}
