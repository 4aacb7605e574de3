import type { ResourceService } from '../api/service.js';
import type { Target } from '../api/target.js';
import { cloneJson, isPlainObject, jsonEqual, type KubeObject } from '../api/types.js';
import { WorkQueue } from '../controllers/queue.js';
import { type Condition, setCondition, summary } from './conditions.js';
import { syncTargetKey } from './synctarget-key.js';
import { SYNC_TARGET_KEY_LABEL } from './workload-names.js';

export const SYNCTARGETS_GR = 'workload.kcp.io/synctargets';

export interface SyncTargetControllerOptions {
  /** The external URL of kcp (the simulator's base URL once it listens). */
  baseUrl: () => string;
  /** kcp's --sync-target-heartbeat-threshold (default 1 minute). */
  heartbeatThresholdMs: number;
}

/** Go's time.Time String() in UTC, as kcp's heartbeat message prints it. */
function goTimeString(ms: number): string {
  return `${new Date(ms)
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d{3}Z$/, '')} +0000 UTC`;
}

/**
 * HeartbeatHealthy from `status.lastSyncerHeartbeatTime` and the threshold, then Ready as the summary of
 * SyncerReady, APIImporterReady and HeartbeatHealthy (pkg/reconciler/workload/heartbeat/heartbeat_manager.go).
 * Returns the conditions and, while healthy, when the heartbeat goes stale.
 */
export function heartbeatConditions(
  conditions: Condition[],
  lastHeartbeat: string | undefined,
  thresholdMs: number,
  now = Date.now(),
): { conditions: Condition[]; staleInMs?: number } {
  const last = lastHeartbeat ? Date.parse(lastHeartbeat) : Number.NaN;
  let healthy: Condition;
  let staleInMs: number | undefined;
  const missed = {
    type: 'HeartbeatHealthy',
    status: 'False',
    reason: 'ErrorHeartbeat',
    severity: 'Warning',
  } as const;
  if (Number.isNaN(last)) healthy = { ...missed, message: 'No heartbeat yet seen' };
  else if (now - last > thresholdMs)
    healthy = { ...missed, message: `No heartbeat since ${goTimeString(last)}` };
  else {
    healthy = { type: 'HeartbeatHealthy', status: 'True' };
    staleInMs = last + thresholdMs - now + 1;
  }
  let out = setCondition(conditions, healthy, new Date(now));
  const ready = summary(out, ['SyncerReady', 'APIImporterReady', 'HeartbeatHealthy']);
  if (ready) out = setCondition(out, ready, new Date(now));
  return staleInMs === undefined ? { conditions: out } : { conditions: out, staleInMs };
}

/**
 * kcp's SyncTarget controllers: the key label and `status.virtualWorkspaces` (pkg/reconciler/workload/synctarget),
 * and HeartbeatHealthy/Ready (pkg/reconciler/workload/heartbeat), run like controllers: after the write that
 * triggered them, so a syncer that writes Ready itself sees it replaced.
 */
export class SyncTargetControllers {
  private readonly queue: WorkQueue;

  constructor(
    private readonly service: ResourceService,
    private readonly options: SyncTargetControllerOptions,
  ) {
    this.queue = new WorkQueue((key) => this.reconcile(key));
    service.onCommit(({ type, target, cluster, object }) => {
      if (type === 'DELETED' || target.rt.group !== 'workload.kcp.io' || target.rt.resource !== 'synctargets')
        return;
      this.queue.add(JSON.stringify([cluster, object.metadata.name]));
    });
  }

  stop(): void {
    this.queue.stop();
  }

  private target(cluster: string, name: string, subresource?: 'status'): Target {
    const rt = this.service.registry.lookupGroupResource(cluster, 'workload.kcp.io', 'synctargets')!;
    return { cluster, rt, version: 'v1alpha1', namespace: undefined, name, subresource };
  }

  private write(cluster: string, old: KubeObject, next: KubeObject, subresource?: 'status'): KubeObject {
    const target = this.target(cluster, old.metadata.name!, subresource);
    const id = {
      manager: 'kcp',
      operation: 'Update' as const,
      apiVersion: 'workload.kcp.io/v1alpha1',
      time: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
      ...(subresource ? { subresource } : {}),
    };
    return this.service.writeUpdate(target, cluster, old, next, {}, id).object;
  }

  private reconcile(queueKey: string): void {
    const [cluster, name] = JSON.parse(queueKey) as [string, string];
    let st = this.service.store.get(cluster, SYNCTARGETS_GR, '', name);
    if (!st || st.metadata.deletionTimestamp) return;
    const key = syncTargetKey(cluster, name);
    if (st.metadata.labels?.[SYNC_TARGET_KEY_LABEL] !== key) {
      const next = cloneJson(st);
      next.metadata.labels = { ...next.metadata.labels, [SYNC_TARGET_KEY_LABEL]: key };
      st = this.write(cluster, st, next);
    }
    const status = isPlainObject(st.status) ? cloneJson(st.status) : {};
    const base = this.options.baseUrl();
    if (!base) {
      this.queue.addAfter(queueKey, 10);
      return;
    }
    const path = `${cluster}/${name}/${st.metadata.uid}`;
    status.virtualWorkspaces = [
      { syncerURL: `${base}/services/syncer/${path}`, upsyncerURL: `${base}/services/upsyncer/${path}` },
    ];
    const conditions = Array.isArray(status.conditions) ? (status.conditions as unknown as Condition[]) : [];
    const heartbeat =
      typeof status.lastSyncerHeartbeatTime === 'string' ? status.lastSyncerHeartbeatTime : undefined;
    const result = heartbeatConditions(conditions, heartbeat, this.options.heartbeatThresholdMs);
    status.conditions = result.conditions as never;
    if (!jsonEqual(status, st.status)) this.write(cluster, st, { ...cloneJson(st), status }, 'status');
    if (result.staleInMs !== undefined) this.queue.addAfter(queueKey, result.staleInMs);
  }
}
