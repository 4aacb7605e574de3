import {
  type FailureReporter,
  type GivenUpFailure,
  type HeartbeatReporter,
  TmcError,
  TmcErrorType,
} from '@kcp-tmc/interfaces';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { engineHarness, upstreamObject } from '../test/support/engine-harness.js';
import { until } from '../test/support/wait.js';

const DEPLOYMENTS = 'apps/v1/deployments';
const WIDGETS = 'example.com/v1/widgets';

function recordingHeartbeat() {
  const conditions: Array<Record<string, unknown>> = [];
  const heartbeat = {
    setCondition: async (c: Record<string, unknown>) => void conditions.push(c),
  } as unknown as HeartbeatReporter;
  const last = (type: string) => conditions.filter((c) => c.type === type).at(-1);
  return { conditions, heartbeat, last };
}

// Issue 18: SyncTarget conditions name the cause (unreachable vs unauthorized vs forbidden vs not served) and
// clear once it is gone; kcp's own wording stays for a denial (engine.test.ts).
describe('DefaultSyncEngine SyncTarget conditions by cause', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: 0 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  const harness = (heartbeat: HeartbeatReporter, resources = [DEPLOYMENTS]) =>
    engineHarness({ heartbeat, syncedResources: resources, options: { accessRecheckMs: 1_000 } });

  it('an unreachable downstream is Unknown DownstreamUnreachable, not a permission failure, and clears', async () => {
    const { heartbeat, last } = recordingHeartbeat();
    const h = harness(heartbeat);
    h.client.failing.set(
      DEPLOYMENTS,
      new TmcError({ type: TmcErrorType.ClusterUnreachable, message: 'connect ECONNREFUSED 127.0.0.1:9' }),
    );
    await h.engine.start();
    expect(last('SyncerAuthorized')).toEqual({
      type: 'SyncerAuthorized',
      status: 'Unknown',
      reason: 'DownstreamUnreachable',
      severity: 'Warning',
      message: `access could not be reviewed downstream (cluster unreachable) for gvrs: ${DEPLOYMENTS}`,
    });
    h.client.failing.clear();
    await until(() => last('SyncerAuthorized')?.status === 'True', 5_000, 100);
    expect(last('SyncerAuthorized')).toEqual({ type: 'SyncerAuthorized', status: 'True' });
    await h.engine.stop();
  });

  it('a 401 on the review is False DownstreamUnauthorized', async () => {
    const { heartbeat, last } = recordingHeartbeat();
    const h = harness(heartbeat);
    h.client.failing.set(
      DEPLOYMENTS,
      new TmcError({ type: TmcErrorType.Unauthorized, message: 'Unauthorized' }),
    );
    await h.engine.start();
    expect(last('SyncerAuthorized')).toMatchObject({
      status: 'False',
      reason: 'DownstreamUnauthorized',
      message: expect.stringContaining(`(HTTP 401) reviewing access for gvrs: ${DEPLOYMENTS}`),
    });
    await h.engine.stop();
  });

  it('a resource not served downstream sets DownstreamResourcesAvailable=False naming it, True once served', async () => {
    const { heartbeat, last, conditions } = recordingHeartbeat();
    const h = harness(heartbeat, [DEPLOYMENTS, WIDGETS]);
    h.client.served = new Set(['v1/namespaces', 'v1/configmaps', 'v1/secrets', DEPLOYMENTS]);
    await h.engine.start();
    expect(last('DownstreamResourcesAvailable')).toEqual({
      type: 'DownstreamResourcesAvailable',
      status: 'False',
      reason: 'ResourceNotServed',
      severity: 'Warning',
      message: `not served by the downstream cluster (install the CustomResourceDefinition there): ${WIDGETS}`,
    });
    // Not a permission problem.
    expect(last('SyncerAuthorized')).toEqual({ type: 'SyncerAuthorized', status: 'True' });
    h.client.served.add(WIDGETS);
    await until(() => last('DownstreamResourcesAvailable')?.status === 'True', 5_000, 100);
    expect(h.engine.activeResources()).toContain(WIDGETS);
    expect(conditions.filter((c) => c.type === 'DownstreamResourcesAvailable')).toHaveLength(2);
    await h.engine.stop();
  });

  it('writes no DownstreamResourcesAvailable while every resource is served (kcp syncer has no such condition)', async () => {
    const { heartbeat, conditions } = recordingHeartbeat();
    const h = harness(heartbeat);
    await h.engine.start();
    await vi.advanceTimersByTimeAsync(3_000);
    expect(conditions).toEqual([{ type: 'SyncerAuthorized', status: 'True' }]);
    await h.engine.stop();
  });
});

describe('DefaultSyncEngine Events for a resource missing downstream', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: 0 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('reports each upstream object of it, in kubectl words naming the resource, once per time it goes missing', async () => {
    const given: GivenUpFailure[] = [];
    const failures: FailureReporter = { reportGivenUp: async (f) => void given.push(f) };
    const h = engineHarness({
      failures,
      syncedResources: [DEPLOYMENTS, WIDGETS],
      options: { accessRecheckMs: 1_000 },
    });
    h.client.served = new Set(['v1/namespaces', 'v1/configmaps', 'v1/secrets', DEPLOYMENTS]);
    const widget = upstreamObject(WIDGETS, 'root:a', 'apps', 'blue', {
      apiVersion: 'example.com/v1',
      kind: 'Widget',
    });
    h.up(WIDGETS).upsert(widget);
    await h.engine.start();
    await until(() => given.length === 1, 2_000, 10);
    expect(given[0]?.object?.metadata.name).toBe('blue');
    expect(given[0]?.error.type).toBe('NotFound');
    expect(given[0]?.error.message).toBe(
      'no matches for kind "Widget" in version "example.com/v1" on the downstream cluster: install the CustomResourceDefinition of widgets.example.com there',
    );
    // Still missing at the next review: no second Event.
    await vi.advanceTimersByTimeAsync(3_000);
    expect(given).toHaveLength(1);
    await h.engine.stop();
  });
});
