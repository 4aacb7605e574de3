import {
  type ApplyRequest,
  type ClusterKey,
  classifyError,
  type DeleteRequest,
  type DownstreamSyncer,
  encodeClusterKey,
  RESOURCE_STATE_STORE,
  type ResourceStateStore,
  type SyncResult,
} from '@kcp-tmc/interfaces';
import { inject, injectable } from 'tsyringe';
import type { Applier } from './apply/applier.js';
import type { Deleter } from './delete/deleter.js';
import type { WorkspaceDns } from './dns/workspace-dns.js';
import type { NamespaceCleaner } from './namespace/cleaner.js';
import type { RetentionRegistry } from './retain/registry.js';
import { APPLIER, DELETER, NAMESPACE_CLEANER, RETENTION_REGISTRY, WORKSPACE_DNS } from './tokens.js';

/**
 * The spec path downstream (kcp's spec syncer): namespaces, diff against what we last applied, retention of
 * downstream-owned fields, writes by the GVR's apply strategy with conflict resolution, deletion with the upstream
 * finalizer (drift is corrected by re-applying: the engine re-queues a drifted object's upstream key) and the
 * delayed clean-up of empty namespaces. Its parts are bound to tokens by registerDownstream (parts.ts).
 */
@injectable()
export class DefaultDownstreamSyncer implements DownstreamSyncer {
  private readonly locks = new Map<string, Promise<unknown>>();

  constructor(
    @inject(APPLIER) private readonly applier: Applier,
    @inject(DELETER) private readonly deleter: Deleter,
    @inject(NAMESPACE_CLEANER) readonly namespaceCleaner: NamespaceCleaner,
    @inject(RESOURCE_STATE_STORE) readonly states: ResourceStateStore,
    @inject(RETENTION_REGISTRY) readonly retention: RetentionRegistry,
    // Optional: kcp's per-workspace DNS is on only when registerDownstream's `dns` binds it.
    @inject(WORKSPACE_DNS, { isOptional: true }) private readonly dns?: WorkspaceDns,
  ) {}

  apply(request: ApplyRequest): Promise<SyncResult> {
    return this.exclusive(request.item.key, async () => {
      const { key } = request.item;
      this.namespaceCleaner.track(key.gvr);
      try {
        const result = await this.applier.apply(request);
        const namespace = request.desired.metadata.namespace ?? '';
        if (namespace !== '') this.namespaceCleaner.cancel(namespace);
        return result;
      } catch (err) {
        return { key, operation: 'noop', success: false, conflicts: [], error: classifyError(err, 'apply') };
      }
    });
  }

  delete(request: DeleteRequest): Promise<SyncResult> {
    return this.exclusive(request.item.key, async () => {
      const { key } = request.item;
      try {
        return await this.deleter.delete(request);
      } catch (err) {
        return { key, operation: 'noop', success: false, conflicts: [], error: classifyError(err, 'delete') };
      }
    });
  }

  planNamespaceCleaning(downstreamNamespace: string): void {
    this.namespaceCleaner.schedule(downstreamNamespace);
  }

  cancelNamespaceCleaning(downstreamNamespace: string): void {
    this.namespaceCleaner.cancel(downstreamNamespace);
  }

  /** Stops pending namespace clean-ups. */
  stop(): void {
    this.namespaceCleaner.stop();
    this.dns?.stop();
  }

  /** One operation per upstream key at a time (the engine's queue already ensures it; direct callers may not). */
  private exclusive<T>(key: ClusterKey, work: () => Promise<T>): Promise<T> {
    const id = encodeClusterKey(key);
    const previous = this.locks.get(id) ?? Promise.resolve();
    const next = previous.then(work, work);
    const settled = next.catch(() => undefined);
    this.locks.set(id, settled);
    void settled.then(() => {
      if (this.locks.get(id) === settled) this.locks.delete(id);
    });
    return next;
  }
}
