import {
  classifyHttpError,
  type KubeClient,
  kubeTime,
  type Logger,
  type SyncMetrics,
  type SyncTarget,
  type SyncTargetRef,
  type TmcErrorSeverity,
  type TmcErrorType,
} from '@kcp-tmc/interfaces';
import { ManualClock } from '@kcp-tmc/testing/kit';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeSyncTargetClient } from '../../test/support/fake-sync-target-client.js';
import { findCondition } from './conditions.js';
import { heartbeatIntervalMs, SyncTargetHeartbeat } from './heartbeat.js';

const TARGET: SyncTargetRef = { cluster: 'root:org:ws', name: 'cluster-1', uid: 'uid-1', key: 'k' };
const PERIOD = 20_000;
/** How far apart beats are due for PERIOD (19 s). */
const INTERVAL = heartbeatIntervalMs(PERIOD);

function syncTarget(status?: SyncTarget['status'], uid = TARGET.uid): SyncTarget {
  const object: SyncTarget = {
    apiVersion: 'workload.kcp.io/v1alpha1',
    kind: 'SyncTarget',
    metadata: { name: TARGET.name, uid },
  };
  if (status !== undefined) object.status = status;
  return object;
}

class RecordingMetrics implements SyncMetrics {
  readonly heartbeats: number[] = [];
  readonly errors: Array<[TmcErrorType, TmcErrorSeverity]> = [];
  observeSync(): void {}
  observeError(type: TmcErrorType, severity: TmcErrorSeverity): void {
    this.errors.push([type, severity]);
  }
  setConnected(): void {}
  setHeartbeat(timestampMs: number): void {
    this.heartbeats.push(timestampMs);
  }
}

class RecordingLogger implements Logger {
  readonly lines: Array<{ level: string; message: string }> = [];
  error(message: string) {
    this.lines.push({ level: 'error', message });
  }
  warn(message: string) {
    this.lines.push({ level: 'warn', message });
  }
  info(message: string) {
    this.lines.push({ level: 'info', message });
  }
  debug(message: string) {
    this.lines.push({ level: 'debug', message });
  }
  child() {
    return this;
  }
}

const unavailable = () =>
  classifyHttpError({ status: 503, body: { kind: 'Status', message: 'unavailable' } });

let reporter: SyncTargetHeartbeat | undefined;
afterEach(async () => {
  await reporter?.stop();
  reporter = undefined;
});

function setup(object: SyncTarget = syncTarget({ conditions: [] })) {
  const clock = new ManualClock();
  const client = new FakeSyncTargetClient(object);
  const metrics = new RecordingMetrics();
  const logger = new RecordingLogger();
  reporter = new SyncTargetHeartbeat(
    client as unknown as KubeClient,
    TARGET,
    { periodMs: PERIOD, retryIntervalMs: 1_000 },
    clock,
    logger,
    metrics,
  );
  return { clock, client, metrics, logger, reporter };
}

/** The time values the heartbeat patches carried, in order. */
function sentTimes(client: FakeSyncTargetClient): string[] {
  return client
    .patches()
    .map((call) => (call.body as Array<{ path: string; value: unknown }>).at(-1))
    .map((op) =>
      op?.path === '/status'
        ? (op.value as { lastSyncerHeartbeatTime: string }).lastSyncerHeartbeatTime
        : op?.value,
    )
    .filter((v): v is string => typeof v === 'string');
}

describe('heartbeatIntervalMs', () => {
  it('leaves room for a late timer within the period: 20% of it, at most 1 s', () => {
    expect(heartbeatIntervalMs(1_000)).toBe(800);
    expect(heartbeatIntervalMs(20_000)).toBe(19_000);
    expect(heartbeatIntervalMs(60_000)).toBe(59_000);
  });
});

describe('SyncTargetHeartbeat', () => {
  it('beats at start and once per period, with a uid test and a patch of the status subresource', async () => {
    const { clock, client, reporter, metrics } = setup();
    const t0 = clock.now();
    reporter.start();
    await clock.advance(0);
    await clock.advance(INTERVAL * 3);

    const patches = client.patches();
    expect(patches).toHaveLength(4);
    expect(patches.every((p) => p.subresource === 'status' && p.patchType === 'json')).toBe(true);
    expect(patches.every((p) => p.ref?.cluster === TARGET.cluster && p.ref.name === TARGET.name)).toBe(true);
    expect(patches[0]?.body).toEqual([
      { op: 'test', path: '/metadata/uid', value: TARGET.uid },
      { op: 'add', path: '/status/lastSyncerHeartbeatTime', value: kubeTime(t0) },
    ]);
    expect(patches[1]?.body).toEqual([
      { op: 'test', path: '/metadata/uid', value: TARGET.uid },
      { op: 'replace', path: '/status/lastSyncerHeartbeatTime', value: kubeTime(t0 + INTERVAL) },
    ]);
    expect(sentTimes(client)).toEqual([0, 1, 2, 3].map((i) => kubeTime(t0 + i * INTERVAL)));
    expect(client.current()?.status?.lastSyncerHeartbeatTime).toBe(kubeTime(t0 + 3 * INTERVAL));
    expect(reporter.lastHeartbeat()).toBe(Date.parse(kubeTime(t0 + 3 * INTERVAL)));
    expect(metrics.heartbeats).toHaveLength(4);
  });

  it('adds the whole status, guarded by resourceVersion, when the SyncTarget has none', async () => {
    const { clock, client, reporter } = setup(syncTarget());
    reporter.start();
    await clock.advance(0);
    const body = client.patches()[0]?.body as Array<{ op: string; path: string }>;
    expect(body.map((op) => `${op.op} ${op.path}`)).toEqual([
      'test /metadata/uid',
      'test /metadata/resourceVersion',
      'add /status',
    ]);
    expect(client.current()?.status?.lastSyncerHeartbeatTime).toBe(kubeTime(clock.now()));
  });

  it('retries every second until a beat succeeds, and keeps the cadence of the regular beats', async () => {
    const { clock, client, reporter, metrics } = setup();
    const t0 = clock.now();
    reporter.start();
    await clock.advance(0);
    client.failNext(3, unavailable);
    await clock.advance(INTERVAL); // the beat at t0+P fails, then retries at +1 s, +2 s, and succeeds at +3 s
    await clock.advance(3_000);
    expect(sentTimes(client)).toEqual([
      kubeTime(t0),
      kubeTime(t0 + INTERVAL),
      kubeTime(t0 + INTERVAL + 1_000),
      kubeTime(t0 + INTERVAL + 2_000),
      kubeTime(t0 + INTERVAL + 3_000),
    ]);
    expect(reporter.consecutiveFailures()).toBe(0);
    expect(metrics.errors).toEqual([
      ['ClusterUnreachable', 'error'],
      ['ClusterUnreachable', 'error'],
      ['ClusterUnreachable', 'error'],
    ]);
    // The next regular beat is still due at t0 + 2P, not 3 s later.
    await clock.advance(INTERVAL - 3_000);
    expect(sentTimes(client).at(-1)).toBe(kubeTime(t0 + 2 * INTERVAL));
  });

  it('honours a Retry-After longer than the retry interval', async () => {
    const { clock, client, reporter } = setup();
    client.failNext(1, () =>
      classifyHttpError({
        status: 429,
        body: { kind: 'Status', reason: 'TooManyRequests' },
        retryAfter: '5',
      }),
    );
    const t0 = clock.now();
    reporter.start();
    await clock.advance(4_999);
    expect(client.patches()).toHaveLength(0); // the failed call was the initial GET
    await clock.advance(1);
    expect(sentTimes(client)).toEqual([kubeTime(t0 + 5_000)]);
  });

  it('does not stretch the period when a beat is slow', async () => {
    const { clock, client, reporter } = setup();
    const t0 = clock.now();
    reporter.start();
    await clock.advance(0);
    const release = client.hang();
    await clock.advance(INTERVAL);
    await clock.advance(3_000);
    release();
    await clock.advance(0);
    await clock.advance(INTERVAL - 3_000);
    expect(sentTimes(client)).toEqual([0, 1, 2].map((i) => kubeTime(t0 + i * INTERVAL)));
  });

  it('reports a replaced SyncTarget: the uid test fails with 422, logged once, retried with a fresh read', async () => {
    const { clock, client, reporter, metrics, logger } = setup();
    reporter.start();
    await clock.advance(0);
    client.replace(syncTarget({ conditions: [] }, 'uid-2'));
    await clock.advance(INTERVAL + 2_000);

    expect(reporter.lastError()?.type).toBe('Invalid');
    expect(reporter.lastError()?.status).toBe(422);
    expect(reporter.consecutiveFailures()).toBe(3);
    expect(metrics.errors.every(([type]) => type === 'Invalid')).toBe(true);
    expect(logger.lines.filter((l) => l.level === 'error' && l.message === 'heartbeat failed')).toHaveLength(
      1,
    );
    // After a 422 the reporter re-reads before the next patch.
    const methods = client.calls.slice(-2).map((c) => c.method);
    expect(methods).toEqual(['get', 'patch']);
    expect(client.current()?.status?.lastSyncerHeartbeatTime).toBeUndefined();
  });

  it('keeps beating after success turns into failure and back', async () => {
    const { clock, client, reporter } = setup();
    reporter.start();
    await clock.advance(0);
    client.failNext(5, unavailable);
    await clock.advance(INTERVAL + 5_000);
    expect(reporter.heartbeatCount()).toBe(2);
    expect(reporter.lastHeartbeat()).toBe(Date.parse(kubeTime(clock.now())));
  });

  // kcp sets Ready and HeartbeatHealthy itself; its syncer sets only SyncerAuthorized
  // (ground-truth/go-syncer/synctarget.json; pkg/syncer/resourcesync/controller.go).
  it("writes only SyncerAuthorized, with kcp's merge patch on /status, and keeps the conditions kcp set", async () => {
    const kcpSet = [
      { type: 'Ready', status: 'True' as const, lastTransitionTime: '2024-01-01T00:00:00Z' },
      { type: 'HeartbeatHealthy', status: 'True' as const, lastTransitionTime: '2024-01-01T00:00:00Z' },
    ];
    const { clock, client, reporter } = setup(syncTarget({ conditions: kcpSet }));
    reporter.start();
    await clock.advance(0);
    await reporter.stop();
    // Beats write no condition.
    expect(client.calls.filter((c) => c.patchType === 'merge')).toEqual([]);
    await reporter.setCondition({ type: 'SyncerAuthorized', status: 'True' });
    const writes = client.calls.filter((c) => c.patchType === 'merge');
    expect(writes).toHaveLength(1);
    expect(writes[0]?.subresource).toBe('status');
    expect(writes[0]?.body).toMatchObject({ metadata: { uid: 'uid-1' } });
    const conditions = client.current()?.status?.conditions ?? [];
    expect(conditions.map((c) => c.type)).toEqual(['Ready', 'HeartbeatHealthy', 'SyncerAuthorized']);
    expect(conditions.slice(0, 2)).toEqual(kcpSet);
    for (const type of ['Ready', 'HeartbeatHealthy', 'SyncerReady']) {
      await expect(reporter.setCondition({ type, status: 'False' })).rejects.toMatchObject({
        type: 'Invalid',
      });
    }
    expect(client.current()?.status?.conditions).toEqual(conditions);
  });

  it('changes lastTransitionTime only when a status changes', async () => {
    const { clock, client, reporter } = setup();
    const t0 = kubeTime(clock.now());
    await reporter.setCondition({ type: 'SyncerAuthorized', status: 'True', reason: 'A' });
    await clock.advance(60_000);
    await reporter.setCondition({ type: 'SyncerAuthorized', status: 'True', reason: 'B' });
    const same = findCondition(client.current()?.status?.conditions, 'SyncerAuthorized');
    expect(same).toMatchObject({ reason: 'B', lastTransitionTime: t0 });
    await clock.advance(60_000);
    await reporter.setCondition({ type: 'SyncerAuthorized', status: 'False', reason: 'C' });
    const moved = findCondition(client.current()?.status?.conditions, 'SyncerAuthorized');
    expect(moved).toMatchObject({ status: 'False', lastTransitionTime: kubeTime(clock.now()) });
  });

  it('re-reads and retries a condition write that lost a race', async () => {
    const { client, reporter } = setup();
    client.before('patch', () => client.touch());
    client.before('patch', () => client.touch());
    await reporter.setCondition({ type: 'SyncerAuthorized', status: 'True' });
    expect(client.calls.map((c) => c.method)).toEqual(['get', 'patch', 'get', 'patch', 'get', 'patch']);
    expect(findCondition(client.current()?.status?.conditions, 'SyncerAuthorized')?.status).toBe('True');
  });

  it('rejects a failed condition write with a classified error and writes it after the heartbeat recovers', async () => {
    const { clock, client, reporter, metrics } = setup();
    client.failNext(1, unavailable);
    await expect(reporter.setCondition({ type: 'SyncerAuthorized', status: 'True' })).rejects.toMatchObject({
      name: 'TmcError',
      type: 'ClusterUnreachable',
    });
    expect(metrics.errors).toEqual([['ClusterUnreachable', 'error']]);
    reporter.start();
    await clock.advance(0);
    await reporter.stop(); // waits for the condition flush the first beat started
    expect(findCondition(client.current()?.status?.conditions, 'SyncerAuthorized')?.status).toBe('True');
  });

  it('writes nothing when the conditions already match', async () => {
    const { client, reporter } = setup();
    await reporter.setCondition({ type: 'SyncerAuthorized', status: 'True' });
    const before = client.calls.filter((c) => c.patchType === 'merge').length;
    await reporter.setCondition({ type: 'SyncerAuthorized', status: 'True' });
    expect(client.calls.filter((c) => c.patchType === 'merge').length).toBe(before);
  });

  it('stops: no timer left and no beat after stop', async () => {
    const { clock, client, reporter } = setup();
    reporter.start();
    await clock.advance(0);
    await reporter.stop();
    expect(clock.pendingTimers()).toEqual([]);
    await clock.advance(INTERVAL * 2);
    expect(client.patches()).toHaveLength(1);
  });
});
