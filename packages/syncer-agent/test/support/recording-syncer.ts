import {
  type ApplyRequest,
  type DeleteRequest,
  DOWNSTREAM_SYNCER,
  type DownstreamSyncer,
  type KubeObject,
  type SyncResult,
} from '@kcp-tmc/interfaces';
import type { AgentModule } from '../../src/agent/modules.js';

/** A DownstreamSyncer that records the desired objects it is handed (composition tests need no real writes). */
export class RecordingDownstreamSyncer implements DownstreamSyncer {
  readonly applied = new Map<string, KubeObject>();
  readonly deleted: string[] = [];

  async apply(request: ApplyRequest): Promise<SyncResult> {
    const { metadata } = request.upstream;
    this.applied.set(`${metadata.namespace ?? ''}/${metadata.name}`, request.desired);
    return { key: request.item.key, operation: 'create', success: true, conflicts: [] };
  }

  async delete(request: DeleteRequest): Promise<SyncResult> {
    this.deleted.push(`${request.item.key.namespace ?? ''}/${request.item.key.name}`);
    return { key: request.item.key, operation: 'delete', success: true, conflicts: [] };
  }

  /** Downstream namespaces the engine planned for cleaning (a cancel takes one off). */
  readonly cleaning = new Set<string>();

  planNamespaceCleaning(downstreamNamespace: string): void {
    this.cleaning.add(downstreamNamespace);
  }

  cancelNamespaceCleaning(downstreamNamespace: string): void {
    this.cleaning.delete(downstreamNamespace);
  }
}

export function recordingModule(syncer: RecordingDownstreamSyncer): AgentModule {
  return {
    name: 'recording-downstream',
    register: (c) => c.register(DOWNSTREAM_SYNCER, { useValue: syncer }),
  };
}
