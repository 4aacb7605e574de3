import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { type ResourceRegistry } from '../api/registry.js';
import { groupVersion } from '../api/resource-type.js';
import type { ResourceService } from '../api/service.js';
import { PlainNotFound, unauthorized } from '../api/status.js';
import { localCrdDiscovery } from '../api/wildcard.js';
import type { ObjectStore } from '../store/store.js';
import { type AccessRules } from './access-review.js';
import { serveDiscovery } from './discovery-handlers.js';
import { serveOpenApi } from './openapi-handlers.js';
import { type ParsedPath, parsePath, splitClusterPrefix } from './paths.js';
import type { PodLogStore } from './pod-logs.js';
import { negotiateResponse, protobufKind } from './protobuf-io.js';
import { serveResource } from './resource-handlers.js';
import { sendError } from './respond.js';
import {
  type ClusterResolver,
  checkAccess,
  checkSyncerRequest,
  type RequestInfo,
  requestInfo,
  resolvePrefix,
  resolveResourceType,
  targetOf,
} from './routing.js';
import { StatsCollector } from './stats.js';
import { markUpgrade } from './streaming/remote-command.js';
import { WatchRegistry } from './watch.js';

export type { ClusterResolver, RequestInfo, SyncerWorkspace } from './routing.js';

/** Hook run for every request before it is served: may delay it, answer it, or drop the connection. */
export interface RequestInterceptor {
  /** Resolves true to continue serving; false when the interceptor answered or dropped the request. */
  intercept(info: RequestInfo, req: IncomingMessage, res: ServerResponse): Promise<boolean>;
}

export interface KubeApiServerOptions {
  service: ResourceService;
  registry: ResourceRegistry;
  store: ObjectStore;
  logs: PodLogStore;
  resolver: ClusterResolver;
  host?: string;
  port?: number;
  tls?: { key: string; cert: string };
  token?: string;
  interceptor?: RequestInterceptor;
  accessRules: () => AccessRules;
  bookmarkIntervalMs?: number;
  /** kcp: CRDs are each workspace's own, as in kcp v0.11 (see KcpOptions.localCrds). */
  localCrds?: boolean;
}

/** The HTTP(S) listener: auth, routing, discovery, resources; never lets a request take it down. */
export class KubeApiServer {
  readonly stats = new StatsCollector();
  readonly watches = new WatchRegistry();
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  private port = 0;

  constructor(private readonly options: KubeApiServerOptions) {}

  get url(): string {
    const host = this.options.host ?? '127.0.0.1';
    return `${this.options.tls ? 'https' : 'http'}://${host}:${this.port}`;
  }

  async listen(): Promise<string> {
    const handler = (req: IncomingMessage, res: ServerResponse) => {
      this.handle(req, res).catch((err: unknown) => sendError(res, err));
    };
    const server = this.options.tls
      ? createHttpsServer({ key: this.options.tls.key, cert: this.options.tls.cert }, handler)
      : createHttpServer(handler);
    // pods/exec and pods/attach: the upgrade is routed like any request; the handler takes the socket over.
    server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
      const res = new ServerResponse(req);
      res.assignSocket(socket);
      res.on('finish', () => socket.end());
      markUpgrade(req, socket, head);
      handler(req, res);
    });
    server.keepAliveTimeout = 60_000;
    server.requestTimeout = 0;
    server.on('connection', (socket: Socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
      socket.on('error', () => socket.destroy());
    });
    server.on('clientError', (_err, socket) => {
      if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
      else socket.destroy();
    });
    server.on('tlsClientError', (_err, socket) => socket.destroy());
    this.server = server;
    await this.startListening(this.options.port ?? 0);
    return this.url;
  }

  private startListening(port: number): Promise<void> {
    const server = this.server!;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, this.options.host ?? '127.0.0.1', () => {
        server.off('error', reject);
        this.port = (server.address() as AddressInfo).port;
        resolve();
      });
    });
  }

  /** Stops accepting connections (new ones are refused) and drops open ones. */
  async stopListening(): Promise<void> {
    const server = this.server;
    if (!server?.listening) return;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    this.destroyConnections();
    await closed;
  }

  /** Listens again on the same port after stopListening. */
  async resumeListening(): Promise<void> {
    if (this.server && !this.server.listening) await this.startListening(this.port);
  }

  destroyConnections(): void {
    this.watches.dropAll();
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
  }

  async close(): Promise<void> {
    await this.stopListening();
  }

  private authorized(req: IncomingMessage): boolean {
    const token = this.options.token;
    if (!token) return true;
    return req.headers.authorization === `Bearer ${token}`;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    req.on('error', () => res.destroy());
    res.on('error', () => undefined);
    const url = new URL(req.url ?? '/', 'http://simulator');
    const prefix = splitClusterPrefix(url.pathname);
    const parsed: ParsedPath = parsePath(prefix.rest);
    const method = req.method ?? 'GET';
    const info = requestInfo(method, url, parsed);
    if (this.options.interceptor && !(await this.options.interceptor.intercept(info, req, res))) {
      this.stats.recordFault();
      return;
    }
    // Health probes answer anonymous callers, as kube-apiserver's system:public-info-viewer allows.
    if (parsed.kind !== 'health' && !this.authorized(req)) {
      req.resume();
      throw unauthorized();
    }
    this.stats.record(info.verb, info.subresource ? `${info.resource}/${info.subresource}` : info.resource);
    const resolver = this.options.resolver;
    const { cluster, workspace } = resolvePrefix(prefix, resolver);
    const host = req.headers.host ?? `127.0.0.1:${this.port}`;
    const localCrds = this.options.localCrds === true && workspace === undefined;
    const discovery =
      workspace && resolver.syncerDiscovery
        ? resolver.syncerDiscovery(workspace)
        : localCrds
          ? localCrdDiscovery(this.options.registry, cluster)
          : this.options.registry;
    const store = this.options.store;
    if (serveOpenApi(req, res, prefix.rest, url.searchParams, { discovery, cluster, store })) return;
    if (serveDiscovery(res, parsed, discovery, cluster, host)) {
      req.resume();
      return;
    }
    if (parsed.kind !== 'resource') {
      req.resume();
      throw new PlainNotFound();
    }
    checkAccess(req, this.options.accessRules(), parsed, info.verb, url.searchParams);
    const registry = this.options.registry;
    const rt = resolveResourceType(req, parsed, { registry, discovery, cluster, workspace, localCrds });
    if (workspace) checkSyncerRequest(req, workspace, rt, parsed, info.verb);
    const target = targetOf(cluster, rt, parsed, workspace);
    // Built-in kinds answer in protobuf when asked; kcp's virtual workspace relays unstructured JSON only.
    const gv = groupVersion(rt.group, parsed.version);
    negotiateResponse(req, res, workspace ? undefined : protobufKind(gv, rt.kind, rt.builtin));
    await serveResource(
      req,
      res,
      {
        service: this.options.service,
        store: this.options.store,
        watches: this.watches,
        logs: this.options.logs,
        accessRules: this.options.accessRules,
        bookmarkIntervalMs: this.options.bookmarkIntervalMs ?? 60_000,
      },
      target,
      info.verb,
      url.searchParams,
    );
  }
}
