import type { IncomingMessage } from 'node:http';
import type { SyncTargetRef } from '@kcp-tmc/interfaces';
import WebSocket from 'ws';
import { SYNC_TARGET_HEADER, syncTargetHeaderValue, TUNNEL_SUBPROTOCOL } from '../protocol/handshake.js';
import {
  DEFAULT_HANDSHAKE_TIMEOUT_MS,
  type TunnelClientOptions,
  type TunnelClientStats,
} from './tunnel-client-options.js';

/** Starts one dial of the tunnel server, presenting the token and the SyncTarget it serves. */
export function openTunnelSocket(
  options: TunnelClientOptions,
  syncTarget: SyncTargetRef,
  token: string,
): WebSocket {
  return new WebSocket(options.url, TUNNEL_SUBPROTOCOL, {
    ...options.websocket,
    handshakeTimeout: options.handshakeTimeoutMs ?? DEFAULT_HANDSHAKE_TIMEOUT_MS,
    perMessageDeflate: false,
    headers: {
      ...options.websocket?.headers,
      authorization: `Bearer ${token}`,
      [SYNC_TARGET_HEADER]: syncTargetHeaderValue(syncTarget),
    },
  });
}

/**
 * The server refused the upgrade (401/403/...): keeps its Status message for the log, then gives up this dial.
 */
export function recordRefusal(
  ws: WebSocket,
  res: IncomingMessage,
  counters: Pick<TunnelClientStats, 'lastDialStatus' | 'lastError'>,
): void {
  counters.lastDialStatus = res.statusCode ?? 0;
  let body = '';
  res.setEncoding('utf8');
  res.on('data', (chunk: string) => {
    if (body.length < 2048) body += chunk;
  });
  const finish = () => {
    counters.lastError = `handshake refused with ${res.statusCode}: ${statusMessage(body)}`;
    ws.terminate();
  };
  res.once('end', finish);
  res.once('error', finish);
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
