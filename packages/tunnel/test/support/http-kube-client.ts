import type {
  DeleteOptions,
  GVR,
  KubeClient,
  KubeList,
  KubeObject,
  KubeStatus,
  ListOptions,
  RawRequestInit,
  ResourceMapping,
  WatchEvent,
} from '@kcp-tmc/interfaces';
import { HttpMethod, KubeConfig, RequestContext } from '@kubernetes/client-node';
import type WebSocket from 'ws';

/**
 * The part of the KubeClient contract the tunnel uses (`request`, `list`), over real HTTP with
 * @kubernetes/client-node's KubeConfig authentication. Tests only: the real client lives in @kcp-tmc/kube, which
 * the tunnel must not import.
 */
export class HttpKubeClient implements KubeClient {
  private readonly config = new KubeConfig();
  private readonly server: string;
  /** Every path requested, for assertions on what reached the downstream. */
  readonly requested: string[] = [];

  constructor(kubeconfig: string) {
    this.config.loadFromString(kubeconfig);
    const cluster = this.config.getCurrentCluster();
    if (cluster === null) throw new Error('kubeconfig has no current cluster');
    this.server = cluster.server.replace(/\/$/, '');
  }

  async request(path: string, init: RawRequestInit = {}): Promise<Response> {
    const fullPath = (init.cluster === undefined ? '' : `/clusters/${init.cluster}`) + path;
    this.requested.push(fullPath);
    const url = this.server + fullPath;
    const method = (init.method ?? 'GET') as HttpMethod;
    const context = new RequestContext(url, HttpMethod[method as keyof typeof HttpMethod] ?? method);
    await this.config.applySecurityAuthentication(context);
    const headers: Record<string, string> = { ...context.getHeaders(), ...init.headers };
    // client-node builds an undici pool per request, typed and versioned after its own undici, which Node's
    // built-in fetch rejects. These tests talk plain http on loopback, where the pool carries nothing (no TLS):
    // close it and let fetch use its own.
    const dispatcher = context.getDispatcher();
    if (dispatcher !== undefined) void dispatcher.close().catch(() => {});
    if (!url.startsWith('http:')) throw new Error('HttpKubeClient (test support) speaks plain http only');
    return fetch(url, { method, headers, body: init.body ?? null, signal: init.signal ?? null });
  }

  /** `ws` client options carrying this kubeconfig's credentials and TLS settings, for exec upgrades. */
  async webSocketOptions(): Promise<WebSocket.ClientOptions> {
    const options: WebSocket.ClientOptions = {};
    await this.config.applyToHTTPSOptions(options);
    return options;
  }

  async list(gvr: GVR, scope: { namespace?: string } = {}, options: ListOptions = {}): Promise<KubeList> {
    const base = gvr.group === '' ? `/api/${gvr.version}` : `/apis/${gvr.group}/${gvr.version}`;
    const ns = scope.namespace ? `/namespaces/${scope.namespace}` : '';
    const query = new URLSearchParams();
    if (options.labelSelector !== undefined) query.set('labelSelector', options.labelSelector);
    const qs = query.size > 0 ? `?${query}` : '';
    const response = await this.request(`${base}${ns}/${gvr.resource}${qs}`, {
      ...(options.signal === undefined ? {} : { signal: options.signal }),
    });
    if (!response.ok)
      throw new Error(`list ${gvr.resource}: HTTP ${response.status}: ${await response.text()}`);
    return (await response.json()) as KubeList;
  }

  get(): Promise<KubeObject> {
    return unused('get');
  }
  create(): Promise<KubeObject> {
    return unused('create');
  }
  update(): Promise<KubeObject> {
    return unused('update');
  }
  updateStatus(): Promise<KubeObject> {
    return unused('updateStatus');
  }
  patch(): Promise<KubeObject> {
    return unused('patch');
  }
  delete(_gvr: GVR, _ref: unknown, _options?: DeleteOptions): Promise<KubeObject | KubeStatus> {
    return unused('delete');
  }
  watch(): AsyncIterable<WatchEvent> {
    throw new Error('HttpKubeClient.watch: the tunnel does not watch');
  }
  mapping(): Promise<ResourceMapping> {
    return unused('mapping');
  }
  mappingForKind(): Promise<ResourceMapping> {
    return unused('mappingForKind');
  }
}

function unused(method: string): Promise<never> {
  return Promise.reject(new Error(`HttpKubeClient.${method}: the tunnel does not call it`));
}
