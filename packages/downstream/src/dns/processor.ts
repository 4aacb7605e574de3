import {
  type Clock,
  cloneJson,
  type KubeClient,
  type KubeObject,
  type Logger,
  type NamespaceLocator,
  namespaceLocator,
  type SyncContext,
  type SyncTargetRef,
  TmcError,
  TmcErrorType,
  tenantId,
} from '@kcp-tmc/interfaces';
import { DNS_CONTAINER, DNS_GVRS, type DnsKind, dnsId } from './names.js';
import {
  type ApiServerSubset,
  dnsDeployment,
  dnsDeploymentSpec,
  dnsNetworkPolicy,
  dnsRole,
  dnsRoleBinding,
  dnsService,
  dnsServiceAccount,
} from './objects.js';

/** Whether a workspace's nameserver answers; when not, how long a held Deployment waits before a recheck. */
export type DnsReadiness =
  | { readonly ready: true }
  | { readonly ready: false; readonly recheckAfterMs: number };

/** kcp requeues a held Deployment after 500 ms (pkg/syncer/spec/spec_process.go). */
export const DNS_RECHECK_MS = 500;
/** A DNS still not ready after this long is rechecked less often (doubling per period, up to the cap). */
export const DNS_RECHECK_PERIOD_MS = 5_000;
export const DNS_RECHECK_MAX_MS = 8_000;

const KUBERNETES_ENDPOINTS = { name: 'kubernetes', namespace: 'default' } as const;

/** The syncer namespace's DNS objects as cached (SyncerNamespaceCache). */
export interface DnsObjectCache {
  readonly namespace: string;
  ready(): Promise<void>;
  get(kind: DnsKind, name: string): KubeObject | undefined;
}

export interface WorkspaceDnsParts {
  readonly client: KubeClient;
  readonly cache: DnsObjectCache;
  readonly syncTarget: SyncTargetRef;
  /** `--dns-image`. */
  readonly image: string;
  readonly clock: Clock;
  readonly logger: Logger;
}

function alreadyExists(err: unknown): boolean {
  return err instanceof TmcError && err.type === TmcErrorType.AlreadyExists;
}

function hasReadyAddress(endpoints: KubeObject): boolean {
  const subsets = (endpoints.subsets ?? []) as ApiServerSubset[];
  return subsets.some((s) => (s.addresses?.length ?? 0) > 0 && (s.addresses?.[0]?.ip ?? '') !== '');
}

/**
 * kcp's DNSProcessor (pkg/syncer/spec/dns/dns_process.go): the per-workspace nameserver's objects in the
 * syncer namespace, created when missing, and whether its Service has a ready endpoint. The image of an
 * existing DNS Deployment is brought to `--dns-image` once per workspace and process.
 */
export class WorkspaceDnsProcessor {
  private readonly initialized = new Set<string>();
  private readonly inflight = new Map<string, Promise<boolean>>();
  private readonly notReadySince = new Map<string, number>();
  /** Each workspace's DNS name (two SHA-224s): every object applied asks for its workspace's. */
  private readonly names = new Map<string, string>();
  private readonly logger: Logger;

  constructor(private readonly parts: WorkspaceDnsParts) {
    this.logger = parts.logger.child({ component: 'dns' });
  }

  get namespace(): string {
    return this.parts.cache.namespace;
  }

  nameFor(cluster: string): string {
    let name = this.names.get(cluster);
    if (name === undefined) {
      name = dnsId(cluster, this.parts.syncTarget.uid, this.parts.syncTarget.name);
      this.names.set(cluster, name);
    }
    return name;
  }

  /** Creates what is missing and says whether the workspace's nameserver has a ready endpoint. */
  async ensureReady(locator: NamespaceLocator): Promise<DnsReadiness> {
    const name = this.nameFor(locator.cluster);
    let running = this.inflight.get(name);
    if (running === undefined) {
      running = this.ensure(name, locator).finally(() => this.inflight.delete(name));
      this.inflight.set(name, running);
    }
    if (await running) {
      this.notReadySince.delete(name);
      return { ready: true };
    }
    const now = this.parts.clock.now();
    const since = this.notReadySince.get(name) ?? now;
    this.notReadySince.set(name, since);
    const periods = Math.floor((now - since) / DNS_RECHECK_PERIOD_MS);
    return { ready: false, recheckAfterMs: Math.min(DNS_RECHECK_MS * 2 ** periods, DNS_RECHECK_MAX_MS) };
  }

  /**
   * The nameserver pods of the workspace resolve with: its DNS Service's cluster IP (kcp's Deployment mutator,
   * `getDNSIPForWorkspace`). Ensures the DNS objects first, so a Deployment alone brings its workspace's DNS up.
   */
  async nameserverFor(context: SyncContext): Promise<string> {
    await this.ensureReady(namespaceLocator(context.cluster, this.parts.syncTarget, context.key.namespace));
    const name = this.nameFor(context.cluster);
    const service = this.parts.cache.get('services', name) ?? (await this.read('services', name));
    const ip = (service?.spec as { clusterIP?: string } | undefined)?.clusterIP ?? '';
    if (ip === '' || ip === 'None') {
      throw new TmcError({
        type: TmcErrorType.NotFound,
        message: `DNS Service ${this.namespace}/${name} has no cluster IP yet`,
        retryable: true,
      });
    }
    return ip;
  }

  private async ensure(name: string, locator: NamespaceLocator): Promise<boolean> {
    const { cache } = this.parts;
    await cache.ready();
    if (!this.initialized.has(name)) {
      const updated = await this.updateImage(name);
      this.initialized.add(name);
      // The endpoint may lose its address while the new pod starts: look again next time.
      if (updated) return false;
    }
    const endpoints = cache.get('endpoints', name);
    if (endpoints !== undefined) return hasReadyAddress(endpoints);
    // No Endpoints: the Service (or more) is missing, or kube has not derived them yet. kcp's order.
    const ns = this.namespace;
    await this.createIfMissing('serviceAccounts', name, () => dnsServiceAccount(name, ns));
    await this.createIfMissing('roles', name, () => dnsRole(name, ns));
    await this.createIfMissing('roleBindings', name, () => dnsRoleBinding(name, ns));
    await this.createIfMissing('deployments', name, () => dnsDeployment(name, ns, this.parts.image));
    await this.createIfMissing('services', name, () => dnsService(name, ns));
    if (cache.get('networkPolicies', name) === undefined) {
      const apiServer = await this.apiServerSubset();
      await this.create('networkPolicies', dnsNetworkPolicy(name, ns, tenantId(locator), apiServer));
    }
    return false;
  }

  /** kcp's `mayUpdate`: an existing DNS Deployment runs `--dns-image` (or gets its spec back if corrupted). */
  private async updateImage(name: string): Promise<boolean> {
    const live = this.parts.cache.get('deployments', name);
    if (live === undefined) return false;
    const deployment = cloneJson(live);
    const spec = (deployment.spec ?? {}) as {
      template?: { spec?: { containers?: Array<Record<string, unknown>> } };
    };
    const container = spec.template?.spec?.containers?.find((c) => c.name === DNS_CONTAINER);
    if (container === undefined) {
      deployment.spec = dnsDeploymentSpec(name, this.parts.image);
    } else if (container.image !== this.parts.image) {
      container.image = this.parts.image;
    } else {
      return false;
    }
    await this.parts.client.update(DNS_GVRS.deployments, deployment, { namespace: this.namespace });
    this.logger.info('DNS Deployment updated', { name, namespace: this.namespace, image: this.parts.image });
    return true;
  }

  private async createIfMissing(kind: DnsKind, name: string, build: () => KubeObject): Promise<void> {
    if (this.parts.cache.get(kind, name) === undefined) await this.create(kind, build());
  }

  private async create(kind: DnsKind, object: KubeObject): Promise<void> {
    try {
      await this.parts.client.create(DNS_GVRS[kind], object, { namespace: this.namespace });
      this.logger.info('DNS object created', { kind: object.kind, name: object.metadata.name });
    } catch (err) {
      // Our cache lags behind our own create, or another worker was first.
      if (!alreadyExists(err)) throw err;
    }
  }

  /** The first subset of `default/kubernetes` (kcp reads it once per NetworkPolicy it creates). */
  private async apiServerSubset(): Promise<ApiServerSubset> {
    // Missing until the API server publishes itself: retried, as kcp retries it.
    const endpoints = await this.read('endpoints', KUBERNETES_ENDPOINTS.name, KUBERNETES_ENDPOINTS.namespace);
    const subset = ((endpoints?.subsets ?? []) as ApiServerSubset[])[0];
    if (subset === undefined || (subset.addresses?.length ?? 0) === 0) {
      throw new TmcError({
        type: TmcErrorType.NotFound,
        message: 'missing kubernetes API endpoints (default/kubernetes has no address)',
        retryable: true,
      });
    }
    return subset;
  }

  private async read(
    kind: DnsKind,
    name: string,
    namespace = this.namespace,
  ): Promise<KubeObject | undefined> {
    try {
      return await this.parts.client.get(DNS_GVRS[kind], { name, namespace });
    } catch (err) {
      if (err instanceof TmcError && err.type === TmcErrorType.NotFound) return undefined;
      throw err;
    }
  }
}
