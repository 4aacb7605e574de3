import { gvr, type KubeObject, TmcError } from '@kcp-tmc/interfaces';
import { type KubeSimulator, startKubeSimulator } from '@kcp-tmc/testing';
import { ManualClock } from '@kcp-tmc/testing/kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SimClient, simClient } from '../../test/support/sim-client.js';
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

async function failureOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  throw new Error('expected the request to fail');
}

describe('FailureHandler against the API simulator', () => {
  it('reports a 422 given up on as an aggregated Warning Event on the object', async () => {
    const clock = new ManualClock();
    const handler = new FailureHandler(t.client, clock);
    const object = (await t.client.create(
      configmaps,
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'target' }, data: {} },
      { namespace: 'app' },
    )) as KubeObject;
    // A real validation failure from the server: a name that is not a DNS subdomain.
    const invalid = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'Not_Valid' } };
    const failure = await failureOf(t.client.create(configmaps, invalid, { namespace: 'app' }));
    const givenUp = {
      key: { cluster: 'root', gvr: configmaps, namespace: 'app', name: 'target' },
      direction: 'down' as const,
      error: failure as TmcError,
      attempts: 1,
      object,
    };

    await handler.reportGivenUp(givenUp);
    await clock.advance(30_000);
    await handler.reportGivenUp(givenUp);

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
  });

  it('reports what the engine gave up on: a Warning Event on the upstream object, attempts in the message', async () => {
    const handler = new FailureHandler(t.client);
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
  });

  it('never throws when the Event cannot be written', async () => {
    const handler = new FailureHandler(t.client);
    const ghost: KubeObject = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'x', namespace: 'missing-ns' },
    };
    await expect(
      handler.reportGivenUp({
        key: { cluster: 'root', gvr: configmaps, namespace: 'missing-ns', name: 'x' },
        direction: 'down',
        error: new TmcError({ type: 'Invalid', message: 'bad' }),
        attempts: 1,
        object: ghost,
      }),
    ).resolves.toBeUndefined();
  });
});
