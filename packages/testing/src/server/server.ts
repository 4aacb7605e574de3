import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { type ResourceRegistry, WILDCARD_CLUSTER } from '../api/registry.js';
import { groupVersion, type ResourceType } from '../api/resource-type.js';
import type { ResourceService } from '../api/service.js';
import { forbidden, methodNotAllowed, PlainNotFound, pathNotFound, unauthorized } from '../api/status.js';
import type { ObjectView, Target } from '../api/target.js';
import type { KubeObject } from '../api/types.js';
import { localCrdDiscovery } from '../api/wildcard.js';
import type { ObjectStore } from '../store/store.js';
import { type AccessRules, deniedReason, selectedName } from './access-review.js';
import { serveDiscovery } from './discovery-handlers.js';
import { serveOpenApi } from './openapi-handlers.js';
import { type ParsedPath, parsePath, splitClusterPrefix } from './paths.js';
import type { PodLogStore } from './pod-logs.js';
import { negotiateResponse, protobufKind } from './protobuf-io.js';
import { serveResource, verbOf } from './resource-handlers.js';
import { sendError } from './respond.js';
import { StatsCollector } from './stats.js';
import { markUpgrade } from './streaming/remote-command.js';
import { WatchRegistry } from './watch.js';

/** What a request is about, for fault rules and stats. */
export interface RequestInfo {
  method: string;
  path: string;
  verb: string;
  /** Plural resource (group-qualified for non-core groups), undefined for non-resource paths. */
  resource: string | undefined;
  subresource: string | undefined;
}

/** Hook run for every request before it is served: may delay it, answer it, or drop the connection. */
export interface RequestInterceptor {
  /** Resolves true to continue serving; false when the interceptor answered or dropped the request. */
  intercept(info: RequestInfo, req: IncomingMessage, res: ServerResponse): Promise<boolean>;
}

/** How kcp paths resolve: logical clusters and the syncer virtual workspace. */
export interface ClusterResolver {
  /** The cluster of a path without `/clusters/...` (plain mode: the only cluster). */
  defaultCluster: string;
  /** Whether `/clusters/<name>` prefixes are served (kcp mode). */
  kcp: boolean;
  /** Called once per named logical cluster before it is used (creates its default namespace). */
  ensureCluster(cluster: string): void;
  /** A syncer virtual workspace, or an ApiError when its SyncTarget does not exist. */
  syncerView?(coords: { cluster: string; syncTarget: string; uid: string; upsyncer?: true }): SyncerWorkspace;
  /** What discovery lists inside a syncer virtual workspace. */
  syncerDiscovery?(workspace: SyncerWorkspace): Pick<ResourceRegistry, 'groups' | 'resourcesIn'>;
}

/** kcp's syncer virtual workspace of one SyncTarget. */
export interface SyncerWorkspace {
  /** The SyncTarget key (labels, annotations and finalizers carry it). */
  key: string;
  /** Whether the workspace serves a resource at a version. */
  serves(rt: ResourceType, version: string): boolean;
  /** Objects outside the workspace answer 404. */
  visible(cluster: string, obj: KubeObject): boolean;
  view: ObjectView;
  verbs?: ReadonlySet<string>; // its storage's verbs (the upsyncer's); default the syncer's
}

/** The syncer virtual workspace's storage offers get, list, watch, update and patch only. */
const SYNCER_VERBS = new Set(['get', 'list', 'watch', 'update', 'patch']);

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
    const info: RequestInfo = {
      method,
      path: url.pathname,
      verb: method.toLowerCase(),
      resource: undefined,
      subresource: undefined,
    };
    if (parsed.kind === 'resource') {
      info.verb = verbOf(method, parsed, url.searchParams, parsed.watch);
      info.resource = parsed.group ? `${parsed.resource}.${parsed.group}` : parsed.resource;
      info.subresource = parsed.subresource;
    } else if (method === 'GET') {
      info.verb = 'get';
    }
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
    if ((prefix.cluster !== undefined || prefix.syncer !== undefined) && !resolver.kcp)
      throw new PlainNotFound();
    if (prefix.syncer !== undefined && prefix.cluster === undefined) throw new PlainNotFound();
    const cluster = prefix.cluster ?? resolver.defaultCluster;
    if (cluster !== '*') resolver.ensureCluster(cluster);
    let workspace: SyncerWorkspace | undefined;
    if (prefix.syncer) {
      if (!resolver.syncerView) throw new PlainNotFound();
      workspace = resolver.syncerView(prefix.syncer);
    }
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
    const rules = this.options.accessRules();
    if (rules.enforce === true) {
      const name =
        parsed.name ??
        (['list', 'watch'].includes(info.verb)
          ? selectedName(url.searchParams.get('fieldSelector'))
          : undefined);
      const why = deniedReason(rules, { ...parsed, verb: info.verb, name });
      if (why !== undefined) {
        req.resume();
        throw forbidden({ group: parsed.group, resource: parsed.resource }, name ?? '', why);
      }
    }
    const registry = this.options.registry;
    let rt = registry.lookup(cluster, parsed.group, parsed.version, parsed.resource);
    if (rt && workspace && !workspace.serves(rt, parsed.version)) rt = undefined;
    if (rt && localCrds && cluster === WILDCARD_CLUSTER && !registry.isBuiltin(rt.group, rt.resource))
      rt = undefined;
    if (!rt || (!rt.namespaced && parsed.namespace !== undefined)) {
      req.resume();
      // Inside a served group/version the resource router answers with a Status; elsewhere Go's text 404.
      if (discovery.resourcesIn(cluster, parsed.group, parsed.version).length > 0) throw pathNotFound();
      throw new PlainNotFound();
    }
    if (workspace) {
      const sub = parsed.subresource;
      if ((sub !== undefined && sub !== 'status') || (sub === 'status' && !rt.subresources.status)) {
        req.resume();
        throw pathNotFound();
      }
      if (!(workspace.verbs ?? SYNCER_VERBS).has(info.verb)) {
        req.resume();
        throw methodNotAllowed();
      }
    }
    const target: Target = {
      cluster,
      rt,
      version: parsed.version,
      namespace: rt.namespaced ? parsed.namespace : undefined,
    };
    if (parsed.name !== undefined) target.name = parsed.name;
    if (parsed.subresource !== undefined) target.subresource = parsed.subresource;
    if (workspace) {
      target.visible = workspace.visible;
      target.view = workspace.view;
    }
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
