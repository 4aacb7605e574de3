import {
  clusterKey,
  type Informer,
  type InformerFactory,
  type KubeObject,
  TmcError,
  TmcErrorType,
} from '@kcp-tmc/interfaces';
import { DNS_GVRS, type DnsKind } from './names.js';

/** The kinds kcp's syncer reads from its namespace informers (pkg/syncer/spec/spec_controller.go). */
const CACHED: readonly DnsKind[] = [
  'serviceAccounts',
  'roles',
  'roleBindings',
  'deployments',
  'services',
  'endpoints',
  'networkPolicies',
];

/**
 * Informers on the syncer's own namespace, one per DNS kind, as kcp's syncer keeps them: the DNS objects carry
 * no label of ours, and checking them on every sync must cost no request. Started on first use; the factory
 * stops them with the agent.
 */
export class SyncerNamespaceCache {
  private readonly informers = new Map<DnsKind, Informer>();
  private synced: Promise<void> | undefined;

  constructor(
    private readonly factory: InformerFactory,
    readonly namespace: string,
    /** The cluster name downstream informers key objects under. */
    private readonly cluster: string,
    private readonly syncTimeoutMs: number,
  ) {}

  /** Starts the informers once and waits for their first lists (a retryable error past the timeout). */
  async ready(): Promise<void> {
    this.synced ??= this.start();
    try {
      await this.synced;
    } catch (err) {
      this.synced = undefined;
      throw err;
    }
  }

  get(kind: DnsKind, name: string): KubeObject | undefined {
    const gvr = DNS_GVRS[kind];
    return this.informers.get(kind)?.get(clusterKey(this.cluster, gvr, this.namespace, name));
  }

  private async start(): Promise<void> {
    for (const kind of CACHED) {
      const informer = this.factory.informerFor({ gvr: DNS_GVRS[kind], namespace: this.namespace });
      informer.start();
      this.informers.set(kind, informer);
    }
    const signal = AbortSignal.timeout(this.syncTimeoutMs);
    try {
      await Promise.all([...this.informers.values()].map((i) => i.waitForSync(signal)));
    } catch (err) {
      throw new TmcError({
        type: TmcErrorType.Timeout,
        message: `DNS objects in namespace ${this.namespace} not listed within ${this.syncTimeoutMs} ms`,
        cause: err,
      });
    }
  }
}
