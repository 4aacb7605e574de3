import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { failureStatus } from '../../src/util/failure-status.js';

export interface LogServerNamespace {
  name: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

/**
 * A tiny downstream API server over node:http, serving only what the tunnel reaches: the namespace list (with
 * equality label selectors) and `pods/<name>/log` (with `follow=true` streaming and `tailLines`), behind a bearer
 * token. Stands in until the simulator's fake controllers serve pods/log.
 */
export class LogServer {
  readonly namespaces: LogServerNamespace[] = [];
  private readonly logs = new Map<string, string[]>();
  private readonly followers = new Map<string, Set<ServerResponse>>();
  private server: Server | undefined;
  /** Open follow streams, all pods. */
  openFollows = 0;
  url = '';
  /** Exec sessions accepted. */
  execSessions = 0;
  private readonly execServer = new WebSocketServer({
    noServer: true,
    handleProtocols: (offered) =>
      ['v5.channel.k8s.io', 'v4.channel.k8s.io'].find((protocol) => offered.has(protocol)) ?? false,
  });

  constructor(private readonly token: string) {}

  async start(): Promise<this> {
    this.server = createServer((req, res) => this.serve(req, res));
    this.server.on('upgrade', (req, socket: Duplex, head) => this.exec(req, socket, head));
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    for (const ws of this.execServer.clients) ws.terminate();
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }

  /** A kubeconfig (JSON is YAML) for this server and token. */
  kubeconfig(): string {
    return JSON.stringify({
      apiVersion: 'v1',
      kind: 'Config',
      // client-node refuses plain http unless TLS verification is explicitly off.
      clusters: [{ name: 'downstream', cluster: { server: this.url, 'insecure-skip-tls-verify': true } }],
      users: [{ name: 'agent', user: { token: this.token } }],
      contexts: [{ name: 'downstream', context: { cluster: 'downstream', user: 'agent' } }],
      'current-context': 'downstream',
    });
  }

  /** Appends lines to a pod's log; followers receive them at once. */
  appendLog(namespace: string, pod: string, ...lines: string[]): void {
    const key = `${namespace}/${pod}`;
    const log = this.logs.get(key) ?? [];
    log.push(...lines);
    this.logs.set(key, log);
    for (const res of this.followers.get(key) ?? []) res.write(lines.map((line) => `${line}\n`).join(''));
  }

  private serve(req: IncomingMessage, res: ServerResponse): unknown {
    if (req.headers.authorization !== `Bearer ${this.token}`)
      return status(res, 401, 'Unauthorized', 'Unauthorized');
    const url = new URL(req.url ?? '/', this.url);
    if (url.pathname === '/api/v1/namespaces') return this.listNamespaces(url, res);
    const match = /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)\/log$/.exec(url.pathname);
    if (match === null || req.method !== 'GET')
      return status(res, 404, 'NotFound', `no route ${url.pathname}`);
    const key = `${match[1]}/${match[2]}`;
    const log = this.logs.get(key);
    if (log === undefined) return status(res, 404, 'NotFound', `pods "${match[2]}" not found`);
    const tail = url.searchParams.get('tailLines');
    const lines = tail === null ? log : log.slice(-Number(tail));
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.write(lines.map((line) => `${line}\n`).join(''));
    if (url.searchParams.get('follow') !== 'true') {
      res.end();
      return;
    }
    const set = this.followers.get(key) ?? new Set();
    this.followers.set(key, set);
    set.add(res);
    this.openFollows += 1;
    res.on('close', () => {
      set.delete(res);
      this.openFollows -= 1;
    });
  }

  /**
   * `pods/<name>/exec` over the WebSocket channel protocols, as a tiny shell: stdin (channel 0) comes back
   * upper-cased on stdout (channel 1); closing stdin (channel 255, stream 0) ends with a Success status on the
   * error channel (3) and a normal close. Only pods with a log exist.
   */
  private exec(req: IncomingMessage, socket: Duplex, head: Buffer): unknown {
    const url = new URL(req.url ?? '/', this.url);
    const match = /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)\/exec$/.exec(url.pathname);
    const refuse = (code: number, reason: string, message: string) => {
      const body = JSON.stringify(failureStatus(code, reason, message));
      socket.end(
        `HTTP/1.1 ${code} ${reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
      );
    };
    if (req.headers.authorization !== `Bearer ${this.token}`)
      return refuse(401, 'Unauthorized', 'Unauthorized');
    if (match === null) return refuse(404, 'NotFound', `no route ${url.pathname}`);
    if (!this.logs.has(`${match[1]}/${match[2]}`))
      return refuse(404, 'NotFound', `pods "${match[2]}" not found`);
    this.execServer.handleUpgrade(req, socket, head, (ws) => {
      this.execSessions += 1;
      ws.on('message', (data: Buffer) => {
        const channel = data[0];
        if (channel === 0)
          ws.send(Buffer.concat([Buffer.from([1]), Buffer.from(data.subarray(1).toString().toUpperCase())]));
        if (channel === 255 && data[1] === 0) {
          ws.send(
            Buffer.concat([
              Buffer.from([3]),
              Buffer.from(JSON.stringify({ metadata: {}, status: 'Success' })),
            ]),
          );
          ws.close(1000);
        }
      });
    });
  }

  private listNamespaces(url: URL, res: ServerResponse): void {
    const selector = url.searchParams.get('labelSelector');
    const [key, value] = selector?.split('=') ?? [];
    const items = this.namespaces
      .filter((ns) => key === undefined || ns.labels?.[key] === value)
      .map((ns) => ({
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name: ns.name, labels: ns.labels ?? {}, annotations: ns.annotations ?? {} },
      }));
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ apiVersion: 'v1', kind: 'NamespaceList', metadata: {}, items }));
  }
}

function status(res: ServerResponse, code: number, reason: string, message: string): void {
  res.writeHead(code, { 'content-type': 'application/json' });
  res.end(JSON.stringify(failureStatus(code, reason, message)));
}
