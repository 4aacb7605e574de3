import type { Duplex } from 'node:stream';
import { failureStatus } from '../util/failure-status.js';
import { nodeHttp } from '../util/node-http.js';

/** A Kubernetes `Status` failure body. */
export function statusBody(code: number, reason: string, message: string): string {
  return JSON.stringify(failureStatus(code, reason, message));
}

/** Refuses a WebSocket upgrade with a plain HTTP answer carrying a Status, then closes the socket. */
export function rejectUpgrade(socket: Duplex, code: number, reason: string, message: string): void {
  if (socket.destroyed) return;
  const body = statusBody(code, reason, message);
  socket.end(
    `HTTP/1.1 ${code} ${nodeHttp.STATUS_CODES[code] ?? 'Error'}\r\n` +
      'Connection: close\r\n' +
      'Content-Type: application/json\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\n` +
      `\r\n${body}`,
  );
}
