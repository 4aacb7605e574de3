import {
  type ApplyRequest,
  type DeleteRequest,
  type DownstreamSyncer,
  type EventRequest,
  type EventSyncer,
  encodeClusterKey,
  type KubeObject,
  type StatusRequest,
  type SyncContext,
  type SyncItem,
  type SyncResult,
  type UpstreamStatusSyncer,
} from '@kcp-tmc/interfaces';

export type CallKind = 'apply' | 'delete' | 'status' | 'event';

export interface RecordedCall {
  readonly kind: CallKind;
  /** `down|<ClusterKey>` or `up|<ClusterKey>`: the queue key this call works on. */
  readonly id: string;
  readonly item: SyncItem;
  readonly context?: SyncContext;
  readonly upstream?: KubeObject;
  readonly desired?: KubeObject;
  readonly downstream?: KubeObject;
  readonly event?: KubeObject;
}

/**
 * One recorder for every syncer contract. Notes each call, checks that no queue key is ever worked on by two
 * calls at once (`overlaps`), and answers through `behavior` (default: success).
 */
export class RecordingSyncer implements DownstreamSyncer, UpstreamStatusSyncer, EventSyncer {
  readonly calls: RecordedCall[] = [];
  readonly overlaps: string[] = [];
  /** Downstream namespaces planned for cleaning, and cancelled, in call order. */
  readonly cleaning: Array<{ action: 'plan' | 'cancel'; namespace: string }> = [];
  maxConcurrent = 0;
  behavior: (call: RecordedCall) => SyncResult | undefined | Promise<SyncResult | undefined> = () =>
    undefined;
  private readonly active = new Set<string>();

  apply(request: ApplyRequest): Promise<SyncResult> {
    return this.record(callOf('apply', request, { upstream: request.upstream, desired: request.desired }));
  }

  delete(request: DeleteRequest): Promise<SyncResult> {
    return this.record(callOf('delete', request, { upstream: request.upstream }));
  }

  planNamespaceCleaning(namespace: string): void {
    this.cleaning.push({ action: 'plan', namespace });
  }

  cancelNamespaceCleaning(namespace: string): void {
    this.cleaning.push({ action: 'cancel', namespace });
  }

  syncStatus(request: StatusRequest): Promise<SyncResult> {
    return this.record(callOf('status', request, { downstream: request.downstream }));
  }

  syncEvent(request: EventRequest): Promise<SyncResult> {
    return this.record({ kind: 'event', id: idOf(request.item), item: request.item, event: request.event });
  }

  of(kind: CallKind): RecordedCall[] {
    return this.calls.filter((call) => call.kind === kind);
  }

  /** Names (`<cluster>/<namespace>/<name>`) of the objects a kind of call was made for. */
  names(kind: CallKind): string[] {
    return this.of(kind).map(
      (call) => `${call.item.key.cluster}/${call.item.key.namespace}/${call.item.key.name}`,
    );
  }

  private async record(call: RecordedCall): Promise<SyncResult> {
    if (this.active.has(call.id)) this.overlaps.push(call.id);
    this.active.add(call.id);
    this.maxConcurrent = Math.max(this.maxConcurrent, this.active.size);
    this.calls.push(call);
    try {
      const result = await this.behavior(call);
      if (result !== undefined) return result;
      return {
        key: call.item.key,
        operation: call.kind === 'delete' ? 'delete' : 'update',
        success: true,
        conflicts: [],
        ...(call.desired === undefined ? {} : { object: call.desired }),
      };
    } finally {
      this.active.delete(call.id);
    }
  }
}

function idOf(item: SyncItem): string {
  return `${item.direction}|${encodeClusterKey(item.key)}`;
}

/** A call as recorded: the objects given, none of those left undefined. */
function callOf(
  kind: CallKind,
  request: { item: SyncItem; context: SyncContext },
  objects: Partial<Record<'upstream' | 'desired' | 'downstream', KubeObject | undefined>>,
): RecordedCall {
  const given = Object.entries(objects).filter(([, object]) => object !== undefined);
  return {
    kind,
    id: idOf(request.item),
    item: request.item,
    context: request.context,
    ...Object.fromEntries(given),
  };
}
