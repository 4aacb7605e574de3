import type { ApplyRequest, DeleteRequest, DownstreamSyncer, SyncResult } from '@kcp-tmc/interfaces';
import { encodeClusterKey } from '@kcp-tmc/interfaces';
import type { DefaultDownstreamSyncer } from '../../src/downstream-syncer.js';

/** Records every call the engine makes into the real syncer, and its result. */
export class RecordingDownstreamSyncer implements DownstreamSyncer {
  readonly applied: Array<{ id: string; request: ApplyRequest; result: SyncResult }> = [];
  readonly deleted: Array<{ id: string; request: DeleteRequest; result: SyncResult }> = [];

  constructor(readonly inner: DefaultDownstreamSyncer) {}

  async apply(request: ApplyRequest): Promise<SyncResult> {
    const result = await this.inner.apply(request);
    this.applied.push({ id: encodeClusterKey(request.item.key), request, result });
    return result;
  }

  async delete(request: DeleteRequest): Promise<SyncResult> {
    const result = await this.inner.delete(request);
    this.deleted.push({ id: encodeClusterKey(request.item.key), request, result });
    return result;
  }

  planNamespaceCleaning(downstreamNamespace: string): void {
    this.inner.planNamespaceCleaning(downstreamNamespace);
  }

  cancelNamespaceCleaning(downstreamNamespace: string): void {
    this.inner.cancelNamespaceCleaning(downstreamNamespace);
  }
}
