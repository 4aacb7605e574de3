import { type Condition, gvr, type HeartbeatReporter, type KubeObject, TmcError } from '@kcp-tmc/interfaces';
import { type KubeSimulator, startKubeSimulator } from '@kcp-tmc/testing';
import { ManualClock } from '@kcp-tmc/testing/kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseMetrics, value } from '../../test/support/prometheus.js';
import { type SimClient, simClient } from '../../test/support/sim-client.js';
import { SyncerMetrics } from '../metrics/registry.js';
import { FailureHandler } from './reporter.js';

const configmaps = gvr('', 'v1', 'configmaps');
const events = gvr('', 'v1', 'events');
const namespaces = gvr('', 'v1', 'namespaces');

let sim: KubeSimulator;
let t: SimClient;

beforeAll(async () => {
  sim = await startKubeSimulator({ token: 'reporter-test' });
  t = simClient(sim.kubeconfig);
  await t.client.create(namespaces, { metadata: { name: 'app' } });
});
afterAll(async () => {
  await t?.close();
  await sim?.stop();
});

class ConditionRecorder implements Pick<HeartbeatReporter, 'setCondition'> {
  readonly set: Array<Omit<Condition, 'lastTransitionTime'>> = [];
  async setCondition(condition: Omit<Condition, 'lastTransitionTime'>): Promise<void> {
    this.set.push(condition);
  }
}

async function failureOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  throw new Error('expected the request to fail');
}

describe('FailureHandler against the API simulator', () => {
  it('gives up on a 422 with an aggregated Warning Event on the object, and counts each failure', async () => {
    const metrics = new SyncerMetrics({ processMetrics: false });
    const clock = new ManualClock();
    const conditions = new ConditionRecorder();
    const handler = new FailureHandler(
      t.client,
      conditions as unknown as HeartbeatReporter,
      metrics,
      undefined,
      clock,
    );
    const object = (await t.client.create(
      configmaps,
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'target' }, data: {} },
      { namespace: 'app' },
    )) as KubeObject;
    // A real validation failure from the server: a name that is not a DNS subdomain.
    const invalid = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'Not_Valid' } };
    const failure = await failureOf(t.client.create(configmaps, invalid, { namespace: 'app' }));

    const first = await handler.handle(failure, { attempt: 0, object });
    expect(first.action).toBe('give-up');
    await clock.advance(30_000);
    await handler.handle(failure, { attempt: 0, object });

    const list = await t.client.list(events, { namespace: 'app' });
    const ours = list.items.filter((e) => (e.involvedObject as { uid?: string }).uid === object.metadata.uid);
    expect(ours).toHaveLength(1);
    const event = ours[0] as KubeObject & Record<string, unknown>;
    expect(event).toMatchObject({
      type: 'Warning',
      reason: 'SyncInvalid',
      count: 2,
      source: { component: 'kcp-tmc-syncer' },
      involvedObject: { kind: 'ConfigMap', name: 'target', namespace: 'app' },
    });
    expect(event.message).toBe((failure as TmcError).message);
    expect(Date.parse(event.lastTimestamp as string) - Date.parse(event.firstTimestamp as string)).toBe(
      30_000,
    );
    expect(conditions.set).toEqual([]); // an invalid object says nothing about the agent

    const scraped = parseMetrics(await metrics.metrics());
    expect(value(scraped, 'syncer_sync_errors_total', { type: 'Invalid', severity: 'error' })).toBe(2);
  });

  // kcp's syncer sets SyncerAuthorized from its access reviews only (pkg/syncer/resourcesync/controller.go).
  it('sets no SyncTarget condition on Forbidden, and only retries retryable failures', async () => {
    const conditions = new ConditionRecorder();
    const handler = new FailureHandler(t.client, conditions as unknown as HeartbeatReporter);
    const forbidden = new TmcError({ type: 'Forbidden', status: 403, message: 'cannot create deployments' });
    const decision = await handler.handle(forbidden, { attempt: 0 });
    expect(decision.action).toBe('give-up');
    expect(conditions.set).toEqual([]);
    const retry = await handler.handle(new TmcError({ type: 'ResourceConflict', message: 'stale' }), {
      attempt: 1,
    });
    expect(retry).toMatchObject({ action: 'retry', delayMs: 10 });
    expect(conditions.set).toEqual([]);
  });

  it('reports what the engine gave up on: a Warning Event on the upstream object, attempts in the message', async () => {
    const conditions = new ConditionRecorder();
    const handler = new FailureHandler(t.client, conditions as unknown as HeartbeatReporter);
    const object = (await t.client.create(
      configmaps,
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'given-up' }, data: {} },
      { namespace: 'app' },
    )) as KubeObject;
    await handler.reportGivenUp({
      key: { cluster: 'root', gvr: configmaps, namespace: 'app', name: 'given-up' },
      direction: 'down',
      error: new TmcError({ type: 'Timeout', message: 'apply timed out' }),
      attempts: 16,
      object,
    });
    const list = await t.client.list(events, { namespace: 'app' });
    const ours = list.items.filter((e) => (e.involvedObject as { uid?: string }).uid === object.metadata.uid);
    expect(ours).toHaveLength(1);
    expect(ours[0]).toMatchObject({
      type: 'Warning',
      message: 'apply timed out (gave up after 16 attempts)',
      involvedObject: { name: 'given-up', namespace: 'app' },
    });
    expect(conditions.set).toEqual([]);
  });

  it('never throws when the Event cannot be written', async () => {
    const handler = new FailureHandler(t.client);
    const ghost: KubeObject = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'x', namespace: 'missing-ns' },
    };
    const decision = await handler.handle(new TmcError({ type: 'Invalid', message: 'bad' }), {
      attempt: 0,
      object: ghost,
    });
    expect(decision.action).toBe('give-up');
  });
});
