// Opening an HTTP/2 connection: the TLS handshake that asks for h2 by ALPN, then the server's first SETTINGS.
import type { ClientHttp2Session } from 'node:http2';
import { isIP } from 'node:net';
import { type TLSSocket, connect as tlsConnect } from 'node:tls';
import type { SessionTls } from './h2-sessions.js';

export interface DialOptions {
  timeoutMs: number;
  /** The code given to a connection that did not open in time. */
  timeoutCode: string;
  /** TCP keep-alive probes start after this long idle (ms). */
  keepAliveMs: number;
}

function timeoutError(message: string, code: string): Error {
  return Object.assign(new Error(message), { name: 'TimeoutError', code });
}

/**
 * A TLS connection to `origin` offering h2 and http/1.1; `ready` resolves once the handshake is done (the
 * chosen protocol in `alpnProtocol`), within the timeout. Destroying `socket` rejects `ready`.
 */
export function dialTls(
  origin: URL,
  tls: SessionTls,
  options: DialOptions,
): { socket: TLSSocket; ready: Promise<TLSSocket> } {
  const host = origin.hostname.replace(/^\[(.*)\]$/, '$1');
  const { secureContext, rejectUnauthorized, servername } = tls;
  // SNI carries a name, never an address (as node:https decides).
  const sni = servername ?? (isIP(host) === 0 ? host : undefined);
  const socket = tlsConnect({
    host,
    port: Number(origin.port || 443),
    secureContext,
    ALPNProtocols: ['h2', 'http/1.1'],
    ...(sni === undefined ? {} : { servername: sni }),
    ...(rejectUnauthorized === undefined ? {} : { rejectUnauthorized }),
  });
  const ready = new Promise<TLSSocket>((resolve, reject) => {
    const { timeoutMs: ms, timeoutCode: code } = options;
    const timer = setTimeout(
      () => socket.destroy(timeoutError(`connect timed out after ${ms} ms`, code)),
      ms,
    );
    const settle = (err: Error | undefined): void => {
      clearTimeout(timer);
      socket.removeListener('error', settle);
      socket.removeListener('close', onClose);
      if (err !== undefined) {
        reject(err);
        return;
      }
      socket.setKeepAlive(true, options.keepAliveMs);
      // No Nagle: a request's HEADERS and DATA frames may leave in separate writes, and the second would wait
      // for the server's (delayed) ACK of the first. node:http's agent and Go's dialer set TCP_NODELAY too.
      socket.setNoDelay(true);
      resolve(socket);
    };
    const onClose = (): void => settle(new Error('the connection closed during its TLS handshake'));
    socket.once('secureConnect', () => settle(undefined));
    socket.once('error', settle);
    socket.once('close', onClose);
  });
  return { socket, ready };
}

/**
 * Resolves when the server's first SETTINGS arrive (its stream limit among them), which it sends at once;
 * rejects when the session fails or closes first, or after `ms`.
 */
export function remoteSettings(session: ClientHttp2Session, ms: number, code: string): Promise<void> {
  return new Promise((resolve, reject) => {
    let failure: Error | undefined;
    const timer = setTimeout(
      () => session.destroy(timeoutError(`no HTTP/2 settings from the server in ${ms} ms`, code)),
      ms,
    );
    const onError = (err: Error): void => {
      failure = err;
    };
    const onClose = (): void => {
      clearTimeout(timer);
      reject(failure ?? new Error('the connection closed before its HTTP/2 settings arrived'));
    };
    session.on('error', onError);
    session.once('close', onClose);
    session.once('remoteSettings', () => {
      clearTimeout(timer);
      session.removeListener('error', onError);
      session.removeListener('close', onClose);
      resolve();
    });
  });
}
