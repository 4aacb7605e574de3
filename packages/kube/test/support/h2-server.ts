// HTTPS servers that answer `/watch` with one line and then hold the answer open (a watch), anything else
// with a small JSON object; each TLS connection is recorded with the protocol ALPN chose for it.
import { once } from 'node:events';
import {
  constants,
  createSecureServer,
  type Http2SecureServer,
  type Http2ServerRequest,
  type Http2ServerResponse,
  type ServerHttp2Session,
} from 'node:http2';
import type { Server as HttpsServer } from 'node:https';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { generateServingCertificate } from '@kcp-tmc/testing';

export const pki = generateServingCertificate();
type Answerer = (req: Http2ServerRequest, res: Http2ServerResponse) => void;

export interface Served {
  url: string;
  /** TLS connections, with the protocol ALPN chose (false: none offered or none chosen). */
  connections: { alpn: string | false | null }[];
  /** TCP connections, handshakes finished or not. */
  sockets: number;
  sessions: ServerHttp2Session[];
  /** Method and path of every request, in order. */
  requests: string[];
  /** The answers to watches, still open. */
  watches: Http2ServerResponse[];
  close(): Promise<void>;
}

const servers: Served[] = [];

/** Closes every server {@link serve} started. */
export async function closeServers(): Promise<void> {
  for (const s of servers.splice(0)) await s.close();
}

export async function serve(
  kind: 'h2' | 'http/1.1',
  options: { maxConcurrentStreams?: number } = {},
): Promise<Served> {
  const tls = { cert: pki.certPem, key: pki.keyPem };
  const watches: Http2ServerResponse[] = [];
  const answer: Answerer = (req, res) => {
    served.requests.push(`${req.method} ${req.url}`);
    // Refused before any processing, the first time: the client may send it again.
    if (req.url === '/refused-once' && served.requests.filter((r) => r.endsWith(req.url)).length === 1) {
      res.stream.close(constants.NGHTTP2_REFUSED_STREAM);
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    if (req.url === '/reset-midway') {
      res.write('{"items":[');
      setImmediate(() => res.stream.close(constants.NGHTTP2_INTERNAL_ERROR));
      return;
    }
    if (!req.url.includes('/watch')) {
      res.end(JSON.stringify({ version: req.httpVersion }));
      return;
    }
    res.write(`{"version":"${req.httpVersion}"}\n`);
    watches.push(res);
  };
  const server: Http2SecureServer | HttpsServer =
    kind === 'h2'
      ? createSecureServer({ ...tls, allowHTTP1: true, settings: { ...options } }, answer)
      : createHttpsServer(tls, answer as never);
  const connections: Served['connections'] = [];
  const sessions: ServerHttp2Session[] = [];
  const sockets: TLSSocket[] = [];
  server.on('secureConnection', (socket: TLSSocket) => {
    sockets.push(socket);
    connections.push({ alpn: socket.alpnProtocol });
  });
  server.on('session', (session: ServerHttp2Session) => sessions.push(session));
  server.on('connection', () => {
    served.sockets++;
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const served: Served = {
    url: `https://127.0.0.1:${(server.address() as AddressInfo).port}`,
    connections,
    sockets: 0,
    requests: [],
    sessions,
    watches,
    close: async () => {
      for (const s of sessions) s.destroy();
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
  servers.push(served);
  return served;
}
