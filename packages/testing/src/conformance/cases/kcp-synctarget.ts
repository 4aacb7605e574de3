import { expect, it } from 'vitest';
import { syncTargetKey } from '../../kcp/synctarget-key.js';
import { eventually } from '../client.js';
import { describeGroups } from '../groups.js';
import { type SuiteRef } from '../suite.js';
import { CLUSTER_ANNOTATION, type SyncerCase, syncerCase } from './kcp-support.js';

interface Condition {
  type: string;
  status: string;
  reason?: string;
  severity?: string;
  message?: string;
}

// biome-ignore lint/suspicious/noExplicitAny: raw JSON
async function syncTarget(c: SyncerCase): Promise<any> {
  const res = await c.kcp('GET', `/apis/workload.kcp.io/v1alpha1/synctargets/${c.st.syncTargetName}`);
  expect(res.status, res.text).toBe(200);
  return res.json;
}

async function conditionsWhen(
  c: SyncerCase,
  pred: (byType: Map<string, Condition>) => boolean,
  ms: number,
  what: string,
) {
  return eventually(
    async () => {
      const conditions: Condition[] = (await syncTarget(c)).status?.conditions ?? [];
      const byType = new Map(conditions.map((x) => [x.type, x]));
      return pred(byType) ? { conditions, byType } : undefined;
    },
    ms,
    what,
  );
}

function syncTargetKeyAndReadyCases(s: SuiteRef): void {
  // pkg/reconciler/workload/synctarget/synctarget_reconcile.go: the key label and one virtual workspace per
  // shard, `<external URL>/services/syncer/<logical cluster>/<name>/<uid>` (ground-truth/go-syncer/synctarget.json).
  it('labels the SyncTarget with its key and publishes its syncer and upsyncer URLs', async (ctx) => {
    const c = syncerCase(s, ctx);
    if (!c) return;
    const st = await syncTarget(c);
    const logical = st.metadata.annotations[CLUSTER_ANNOTATION];
    expect(st.metadata.labels['internal.workload.kcp.io/key']).toBe(c.st.syncTargetKey);
    expect(syncTargetKey(logical, c.st.syncTargetName)).toBe(c.st.syncTargetKey);
    const path = `${logical}/${c.st.syncTargetName}/${st.metadata.uid}`;
    expect(st.status.virtualWorkspaces).toEqual([
      {
        syncerURL: `${c.base}/services/syncer/${path}`,
        upsyncerURL: `${c.base}/services/upsyncer/${path}`,
      },
    ]);
    expect(c.st.syncerURL).toBe(`${c.base}/services/syncer/${path}`);
  });

  // pkg/reconciler/workload/heartbeat/heartbeat_manager.go: HeartbeatHealthy from lastSyncerHeartbeatTime, and
  // Ready as the summary of SyncerReady, APIImporterReady and HeartbeatHealthy, rewritten on every change, so a
  // syncer writing Ready itself is overruled (README: "Ready flapped"); conditions it owns stay.
  it('sets HeartbeatHealthy and Ready from the heartbeat and overrules a Ready the syncer writes', async (ctx) => {
    const c = syncerCase(s, ctx);
    if (!c) return;
    await c.heartbeat();
    const healthy = await conditionsWhen(
      c,
      (m) => m.get('HeartbeatHealthy')?.status === 'True' && m.get('Ready')?.status === 'True',
      30_000,
      'HeartbeatHealthy and Ready True',
    );
    expect(healthy.conditions[0]?.type).toBe('Ready');
    const st = await syncTarget(c);
    const others = (st.status.conditions as Condition[]).filter(
      (x) => x.type !== 'Ready' && x.type !== 'SyncerAuthorized',
    );
    const written = [
      ...others,
      {
        type: 'Ready',
        status: 'False',
        reason: 'WrittenBySyncer',
        lastTransitionTime: st.metadata.creationTimestamp,
      },
      { type: 'SyncerAuthorized', status: 'True', lastTransitionTime: st.metadata.creationTimestamp },
    ];
    const put = await c.syncer.request(
      'PUT',
      `/clusters/${c.st.cluster}/apis/workload.kcp.io/v1alpha1/synctargets/${c.st.syncTargetName}/status`,
      { body: { ...st, status: { ...st.status, conditions: written } } },
      c.syncer.baseServer,
    );
    expect(put.status, put.text).toBe(200);
    const after = await conditionsWhen(
      c,
      (m) => m.get('Ready')?.status === 'True' && m.get('Ready')?.reason === undefined,
      30_000,
      'Ready rewritten by kcp',
    );
    expect(after.byType.get('SyncerAuthorized')?.status).toBe('True');
    expect(after.conditions.map((x) => x.type)).toEqual(['Ready', 'HeartbeatHealthy', 'SyncerAuthorized']);
  });
}

function syncTargetHeartbeatTimeoutCases(s: SuiteRef): void {
  // heartbeat_manager.go: a heartbeat older than --sync-target-heartbeat-threshold marks HeartbeatHealthy False
  // (reason ErrorHeartbeat, severity Warning, "No heartbeat since ..."), and Ready follows.
  it('turns HeartbeatHealthy and Ready False once the heartbeat is older than the threshold', async (ctx) => {
    const c = syncerCase(s, ctx);
    if (!c) return;
    if (c.st.heartbeatThresholdMs > 20_000) return ctx.skip();
    await c.heartbeat();
    const stale = await conditionsWhen(
      c,
      (m) => m.get('HeartbeatHealthy')?.status === 'False',
      c.st.heartbeatThresholdMs + 20_000,
      'a stale heartbeat',
    );
    expect(stale.byType.get('HeartbeatHealthy')).toMatchObject({
      reason: 'ErrorHeartbeat',
      severity: 'Warning',
    });
    expect(stale.byType.get('HeartbeatHealthy')?.message).toMatch(/^No heartbeat since /);
    expect(stale.byType.get('Ready')).toMatchObject({
      status: 'False',
      reason: 'ErrorHeartbeat',
      severity: 'Warning',
    });
    await c.heartbeat();
    await conditionsWhen(
      c,
      (m) => m.get('Ready')?.status === 'True',
      30_000,
      'Ready again after a heartbeat',
    );
  });
}

export function kcpSyncTargetCases(s: SuiteRef): void {
  describeGroups('kcp SyncTarget controllers', s, [
    syncTargetKeyAndReadyCases,
    syncTargetHeartbeatTimeoutCases,
  ]);
}
