import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger } from '@kcp-tmc/interfaces';
import WebSocket, { WebSocketServer } from 'ws';

/**
 * Joins the caller's WebSocket (an Upgrade kcp proxied into a reverse connection) to the downstream one the
 * handler opened: the caller gets the subprotocol the downstream chose, then messages flow both ways unchanged
 * and a close on either side closes the other.
 */
export function bridgeUpgrade(
  req: IncomingMessage,
  socket: Duplex,
  head: Buffer,
  downstream: WebSocket,
  logger: Logger,
): void {
  const server = new WebSocketServer({
    noServer: true,
    handleProtocols: () => (downstream.protocol === '' ? false : downstream.protocol),
  });
  server.handleUpgrade(req, socket, head, (caller) => {
    const forward = (to: WebSocket) => (data: WebSocket.RawData, isBinary: boolean) => {
      if (to.readyState === WebSocket.OPEN) to.send(data, { binary: isBinary });
    };
    caller.on('message', forward(downstream));
    downstream.on('message', forward(caller));
    const closeOther = (other: WebSocket) => (code: number, reason: Buffer) => {
      if (other.readyState === WebSocket.OPEN) {
        other.close(sendableCode(code), reason);
      } else if (other.readyState !== WebSocket.CLOSED) {
        other.terminate();
      }
    };
    caller.once('close', closeOther(downstream));
    downstream.once('close', closeOther(caller));
    const logError = (side: string) => (err: Error) =>
      logger.debug('tunneled WebSocket failed', { side, error: err.message }, 4);
    caller.on('error', logError('caller'));
    downstream.on('error', logError('downstream'));
  });
}

/** Close codes a peer may send (RFC 6455 7.4): the reserved ones become a normal closure. */
function sendableCode(code: number): number {
  const reserved = code === 1004 || code === 1005 || code === 1006 || code === 1015;
  return (code >= 1000 && code <= 1014 && !reserved) || (code >= 3000 && code <= 4999) ? code : 1000;
}
