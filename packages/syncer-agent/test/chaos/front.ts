import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import {
  createServer as createHttpServer,
  request as httpRequest,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer, request as httpsRequest } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Duplex } from 'node:stream';
import { buildKubeconfig, generateServingCertificate } from '@kcp-tmc/testing';

/** One write (anything but GET) that passed through a front. */
export interface RecordedWrite {
  readonly method: string;
  readonly path: string;
  readonly at: number;
}

export interface Front {
  /** http(s)://127.0.0.1:<port> */
  readonly url: string;
  /** A kubeconfig file naming the front (with its CA when TLS, and `token` when given). */
  readonly kubeconfigPath: string;
  /** Every write seen so far, in order. */
  readonly writes: RecordedWrite[];
  stop(): Promise<void>;
}

/** What a front passes requests on to: a simulator's URL, or a real server with its CA and admin token. */
export type FrontTarget = string | { readonly url: string; readonly caPem: string; readonly token: string };

export interface FrontOptions {
  /** Serve TLS with a throwaway CA (the kubeconfig carries it). */
  readonly tls?: boolean;
  /** Bearer token written into the kubeconfig (the simulator behind the front checks none). */
  readonly token?: string;
  /** Path of the kubeconfig's server below the front (a kcp logical cluster, `/clusters/root`). */
  readonly path?: string;
  /** Upgrade requests the front answers itself (e.g. a tunnel endpoint); false passes them on. */
  readonly upgrade?: (req: IncomingMessage, socket: Duplex, head: Buffer) => boolean;
}

/**
 * A reverse proxy in front of a simulator, given to one agent as its server: it records that agent's writes
 * (so two replicas' writes can be told apart) and, over TLS, lets the agent dial a tunnel on its upstream's
 * own host, as kcp serves it.
 */
export async function startFront(target: FrontTarget, options: FrontOptions = {}): Promise<Front> {
  const writes: RecordedWrite[] = [];
  const certificate = options.tls === true ? generateServingCertificate() : undefined;
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    if (req.method !== 'GET') writes.push({ method: req.method ?? '', path: req.url ?? '', at: Date.now() });
    forward(target, req, res);
  };
  const server: Server =
    certificate === undefined
      ? createHttpServer(handler)
      : (createHttpsServer({ key: certificate.keyPem, cert: certificate.certPem }, handler) as Server);
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    if (options.upgrade?.(req, socket, head) !== true) socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `${certificate === undefined ? 'http' : 'https'}://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const dir = mkdtempSync(join(tmpdir(), 'chaos-front-'));
  const kubeconfigPath = join(dir, 'kubeconfig');
  writeFileSync(
    kubeconfigPath,
    buildKubeconfig({
      server: `${url}${options.path ?? ''}`,
      token: options.token,
      caPem: certificate?.caPem,
    }),
  );
  return {
    url,
    kubeconfigPath,
    writes,
    async stop() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Passes one request on to `target` and streams the answer back (watches included). */
function forward(target: FrontTarget, req: IncomingMessage, res: ServerResponse): void {
  const { authorization: _dropped, host: _host, ...headers } = req.headers;
  const onAnswer = (answer: IncomingMessage) => {
    res.writeHead(answer.statusCode ?? 502, answer.headers);
    answer.pipe(res);
  };
  const upstream =
    typeof target === 'string'
      ? httpRequest(`${target}${req.url ?? '/'}`, { method: req.method, headers }, onAnswer)
      : httpsRequest(
          `${target.url}${req.url ?? '/'}`,
          {
            method: req.method,
            headers: { ...headers, authorization: `Bearer ${target.token}` },
            ca: target.caPem,
          },
          onAnswer,
        );
  upstream.on('error', () => res.destroy());
  res.on('close', () => upstream.destroy());
  req.pipe(upstream);
}
