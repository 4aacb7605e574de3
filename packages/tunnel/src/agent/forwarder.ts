import type { Clock, KubeClient, Logger, SyncTargetRef } from '@kcp-tmc/interfaces';
import {
  CLOCK,
  DOWNSTREAM_KUBE_CLIENT,
  LOGGER,
  NOOP_LOGGER,
  SYNC_TARGET,
  SYSTEM_CLOCK,
} from '@kcp-tmc/interfaces';
import { inject, injectable } from 'tsyringe';
import { POD_FORWARDER_OPTIONS } from '../tokens.js';
import type { TunnelRequest, TunnelRequestHandler, TunnelResponse } from './handler.js';
import { statusResponse } from './handler.js';
import { listOwnedNamespaces } from './owned-namespaces.js';
import { downstreamPodPath, type PodSubresourcePath, parsePodSubresourcePath } from './pod-path.js';
import type { DownstreamUpgrade, DownstreamUpgrader } from './upgrader.js';

export interface PodForwarderOptions {
  /**
   * Upstream logical cluster of paths without a `/clusters/<name>` prefix (plain-Kubernetes upstream, or a
   * caller that already scoped the request). Default: the SyncTarget's own cluster.
   */
  defaultCluster?: string;
  /** How long a listing of downstream namespaces is trusted (ms). Default 5 s. */
  namespaceCacheTtlMs?: number;
  /** A lookup that misses relists at most this often (ms), so a new namespace is found quickly. Default 1 s. */
  missRelistIntervalMs?: number;
  /**
   * Pod subresources forwarded; default {@link LOG_SUBRESOURCES}. Add {@link EXEC_SUBRESOURCES} (with an
   * `upgrader`) to allow exec, attach and port-forward. `status` or `proxy` would hand out the whole Pod or any
   * port of it: never default.
   */
  subresources?: readonly string[];
  /**
   * Opens WebSocket upgrades downstream. With it, `exec`, `attach` and `portforward` over the WebSocket
   * protocols (`v4.channel.k8s.io`, `v5.channel.k8s.io`, ...) are relayed; without it they are refused.
   */
  upgrader?: DownstreamUpgrader;
}

/** What the tunnel forwards unless told otherwise: reading logs, as `kubectl logs` through kcp does. */
export const LOG_SUBRESOURCES: readonly string[] = Object.freeze(['log']);
/** Interactive access to pods; forwarded only when the agent is configured for it. */
export const EXEC_SUBRESOURCES: readonly string[] = Object.freeze(['exec', 'attach', 'portforward']);
/** These work only over a protocol upgrade; WebSocket ones are relayed when an upgrader is configured. */
const UPGRADE_SUBRESOURCES = new Set(['exec', 'attach', 'portforward']);
/** Request headers passed on; credentials never are (the downstream client has its own). */
const FORWARDED_REQUEST_HEADERS = ['accept'];
/** Response headers passed back; length and encoding are dropped since fetch already decoded the body. */
const FORWARDED_RESPONSE_HEADERS = ['content-type', 'cache-control', 'x-content-type-options'];

interface NamespaceIndex {
  fetchedAt: number;
  /** `<upstream cluster>/<upstream namespace>` → downstream namespace; `null` when two claim the same locator. */
  byLocator: Map<string, string | null>;
}

/**
 * The agent's default tunnel policy, after kcp's tunneler: only GETs of pod subresources, only for pods in a
 * downstream namespace whose locator names this SyncTarget (cluster, name and uid) and the requested upstream
 * cluster and namespace. The request is re-addressed to the downstream namespace and sent with the downstream
 * client; its body streams back. Anything else is answered 403.
 */
@injectable()
export class PodSubresourceForwarder implements TunnelRequestHandler {
  private readonly ttlMs: number;
  private readonly missRelistMs: number;
  private readonly subresources: ReadonlySet<string>;
  private index: NamespaceIndex | undefined;
  private listing: Promise<NamespaceIndex> | undefined;

  constructor(
    @inject(DOWNSTREAM_KUBE_CLIENT) private readonly downstream: KubeClient,
    @inject(SYNC_TARGET) private readonly syncTarget: SyncTargetRef,
    @inject(POD_FORWARDER_OPTIONS) private readonly options: PodForwarderOptions = {},
    @inject(LOGGER) private readonly logger: Logger = NOOP_LOGGER,
    @inject(CLOCK) private readonly clock: Clock = SYSTEM_CLOCK,
  ) {
    this.ttlMs = options.namespaceCacheTtlMs ?? 5_000;
    this.missRelistMs = options.missRelistIntervalMs ?? 1_000;
    this.subresources = new Set(options.subresources ?? LOG_SUBRESOURCES);
    this.logger = logger.child({ component: 'tunnel-forwarder' });
  }

  async handle(request: TunnelRequest): Promise<TunnelResponse> {
    const parsed = parsePodSubresourcePath(request.path);
    const refusal = this.refusal(request, parsed);
    if (refusal !== undefined || parsed === undefined) {
      this.logger.debug('tunnel request refused', { method: request.method, path: request.path, refusal }, 2);
      return forbidden(refusal ?? 'only pod subresources are forwarded', parsed);
    }
    const cluster = parsed.cluster ?? this.options.defaultCluster ?? this.syncTarget.cluster;
    let namespace: string | null | undefined;
    try {
      namespace = await this.downstreamNamespace(cluster, parsed.namespace);
    } catch (err) {
      this.logger.warn('listing downstream namespaces failed', { error: (err as Error).message });
      return statusResponse(
        503,
        'ServiceUnavailable',
        `downstream namespaces unavailable: ${(err as Error).message}`,
      );
    }
    if (namespace === null) {
      return forbidden(`namespace "${parsed.namespace}" maps to more than one downstream namespace`, parsed);
    }
    if (namespace === undefined) {
      return forbidden(
        `namespace "${parsed.namespace}" of cluster "${cluster}" is not synced to SyncTarget "${this.syncTarget.name}"`,
        parsed,
      );
    }
    // Pod names are the same downstream: kcp renames only a few ConfigMaps and Secrets, never pods.
    const path = downstreamPodPath(parsed, namespace, parsed.name);
    if (isWebSocketUpgrade(request.headers)) return this.upgrade(request, path);
    const headers: Record<string, string> = {};
    for (const key of FORWARDED_REQUEST_HEADERS) {
      const value = request.headers[key];
      if (value !== undefined) headers[key] = value;
    }
    let response: Response;
    try {
      response = await this.downstream.request(path, { method: 'GET', headers, signal: request.signal });
    } catch (err) {
      if (request.signal.aborted) throw err;
      return statusResponse(503, 'ServiceUnavailable', `downstream unreachable: ${(err as Error).message}`);
    }
    const responseHeaders: Record<string, string> = {};
    for (const key of FORWARDED_RESPONSE_HEADERS) {
      const value = response.headers.get(key);
      if (value !== null) responseHeaders[key] = value;
    }
    return { status: response.status, headers: responseHeaders, body: response.body };
  }

  /** Why the request is refused before any lookup, or undefined. */
  private refusal(request: TunnelRequest, parsed: PodSubresourcePath | undefined): string | undefined {
    if (parsed === undefined) return 'only pod subresources are forwarded';
    if (request.method !== 'GET') return `method ${request.method} is not forwarded (only GET)`;
    const connection = request.headers.connection?.toLowerCase() ?? '';
    const upgrade = request.headers.upgrade !== undefined || connection.includes('upgrade');
    if (upgrade) {
      if (!isWebSocketUpgrade(request.headers)) return 'only WebSocket upgrades are forwarded (not SPDY)';
      if (this.options.upgrader === undefined) return 'protocol upgrades are not forwarded by this agent';
      if (!UPGRADE_SUBRESOURCES.has(parsed.subresource)) return `pods/${parsed.subresource} takes no upgrade`;
    } else if (UPGRADE_SUBRESOURCES.has(parsed.subresource)) {
      return `pods/${parsed.subresource} needs a WebSocket upgrade`;
    }
    if (!this.subresources.has(parsed.subresource)) {
      return `pods/${parsed.subresource} is not forwarded`;
    }
    if (parsed.rest !== '' && parsed.subresource !== 'proxy') return 'only pods/proxy takes a path';
    if (parsed.cluster === '*') return 'wildcard clusters are not forwarded';
    return undefined;
  }

  private async upgrade(request: TunnelRequest, path: string): Promise<TunnelResponse> {
    const upgrader = this.options.upgrader as DownstreamUpgrader;
    const protocols = (request.headers['sec-websocket-protocol'] ?? '')
      .split(',')
      .map((protocol) => protocol.trim())
      .filter((protocol) => protocol !== '');
    let result: DownstreamUpgrade;
    try {
      result = await upgrader.connect(path, protocols, request.signal);
    } catch (err) {
      if (request.signal.aborted) throw err;
      return statusResponse(503, 'ServiceUnavailable', `downstream unreachable: ${(err as Error).message}`);
    }
    if (!result.upgraded) return { status: result.status, headers: result.headers, body: [result.body] };
    const headers: Record<string, string> = {};
    if (result.socket.protocol !== '') headers['sec-websocket-protocol'] = result.socket.protocol;
    return { status: 101, headers, upgraded: result.socket };
  }

  /** The downstream namespace for an upstream one; `null` on a collision, undefined when none is ours. */
  private async downstreamNamespace(cluster: string, namespace: string): Promise<string | null | undefined> {
    const key = `${cluster}/${namespace}`;
    const now = this.clock.now();
    let index = this.index;
    if (index === undefined || now - index.fetchedAt >= this.ttlMs) {
      index = await this.relist();
    } else if (!index.byLocator.has(key) && now - index.fetchedAt >= this.missRelistMs) {
      index = await this.relist();
    }
    return index.byLocator.get(key);
  }

  /** One listing at a time; concurrent lookups share it. */
  private relist(): Promise<NamespaceIndex> {
    this.listing ??= this.list().finally(() => {
      this.listing = undefined;
    });
    return this.listing;
  }

  private async list(): Promise<NamespaceIndex> {
    const fetchedAt = this.clock.now();
    const owned = await listOwnedNamespaces(this.downstream, this.syncTarget, (name, err) =>
      this.logger.debug('skipping namespace with an invalid locator', { name, error: err.message }, 4),
    );
    const byLocator = new Map<string, string | null>();
    for (const { name, cluster, namespace } of owned) {
      const key = `${cluster}/${namespace}`;
      byLocator.set(key, byLocator.has(key) ? null : name);
    }
    const index = { fetchedAt, byLocator };
    this.index = index;
    return index;
  }
}

function isWebSocketUpgrade(headers: Record<string, string>): boolean {
  return headers.upgrade?.toLowerCase() === 'websocket';
}

function forbidden(message: string, parsed: PodSubresourcePath | undefined): TunnelResponse {
  const details = parsed === undefined ? undefined : { name: parsed.name, kind: 'pods' };
  return statusResponse(403, 'Forbidden', message, details);
}
