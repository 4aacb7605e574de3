import {
  type KubeClient,
  statusAnnotation,
  TmcError,
  TmcErrorType,
  UPSTREAM_KUBE_CLIENT,
} from '@kcp-tmc/interfaces';
import { type KubeRegistration, registerKube } from '@kcp-tmc/kube';
import { type KubeSimulator, startKubeSimulator } from '@kcp-tmc/testing';
import { container } from 'tsyringe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkloadStatusExtractor } from '../src/extractors/workloads.js';
import { syncAggregatedStatus } from '../src/status/aggregate.js';
import { DEPLOYMENTS, deployment } from './support/agents.js';

describe('syncAggregatedStatus against the simulator (plain upstream)', () => {
  let sim: KubeSimulator;
  let registration: KubeRegistration;
  let client: KubeClient;
  const extractor = new WorkloadStatusExtractor();
  let counter = 0;

  beforeAll(async () => {
    sim = await startKubeSimulator();
    const c = container.createChildContainer();
    const side = { kubeconfig: { kubeconfig: sim.kubeconfig }, transport: { qps: 0 } };
    registration = registerKube(c, { upstream: side, downstream: side });
    client = c.resolve<KubeClient>(UPSTREAM_KUBE_CLIENT);
  });
  afterAll(async () => {
    await registration.close();
    await sim.stop();
  });

  async function create(): Promise<string> {
    const name = `web-${++counter}`;
    await client.create(DEPLOYMENTS, deployment(name, 1, []), { namespace: 'default' });
    return name;
  }

  const sync = (name: string, syncTargetKey: string, own: unknown) =>
    syncAggregatedStatus({
      client,
      gvr: DEPLOYMENTS,
      ref: { namespace: 'default', name },
      syncTargetKey,
      own,
      extractor,
      conflictRetries: 50,
    });

  it('writes annotation and status once, then nothing while nothing changes', async () => {
    const name = await create();
    const first = await sync(name, 'east', { replicas: 1, readyReplicas: 1 });
    expect(first.operation).toBe('update');
    const writes = sim.stats().writes;
    const second = await sync(name, 'east', { readyReplicas: 1, replicas: 1 });
    expect(second).toMatchObject({ operation: 'noop', reason: 'status unchanged' });
    expect(sim.stats().writes).toBe(writes);
    const stored = await client.get(DEPLOYMENTS, { namespace: 'default', name });
    expect(stored.status).toMatchObject({ replicas: 1, readyReplicas: 1 });
    expect(stored.metadata.annotations?.[statusAnnotation('east')]).toBe('{"readyReplicas":1,"replicas":1}');
  });

  it('an upstream object that is gone is not an error', async () => {
    const outcome = await sync('never-created', 'east', { replicas: 1 });
    expect(outcome).toMatchObject({ operation: 'noop', reason: 'upstream object is gone' });
  });

  it('eight agents writing at once all land, and the status is their sum', async () => {
    const name = await create();
    const outcomes = await Promise.all(
      Array.from({ length: 8 }, (_, i) => sync(name, `target-${i}`, { replicas: 8, readyReplicas: i })),
    );
    // Each share keeps readyReplicas <= replicas: the simulator, like kube-apiserver, rejects a Deployment
    // status with more ready than total replicas, at any moment, whatever merge lands first.
    // Concurrent writers meet each other's resourceVersions: 409s were retried, not lost.
    expect(outcomes.reduce((sum, o) => sum + o.conflicts, 0)).toBeGreaterThan(0);
    const stored = await client.get(DEPLOYMENTS, { namespace: 'default', name });
    for (let i = 0; i < 8; i++) {
      expect(stored.metadata.annotations?.[statusAnnotation(`target-${i}`)]).toBeDefined();
    }
    // Whoever wrote last merged what every other agent had recorded before it.
    expect(stored.status).toMatchObject({ replicas: 64, readyReplicas: 28 });
  });

  it('a target that withdraws leaves the merge of the others', async () => {
    const name = await create();
    await sync(name, 'east', { replicas: 2, readyReplicas: 2 });
    await sync(name, 'west', { replicas: 3, readyReplicas: 1 });
    expect((await client.get(DEPLOYMENTS, { namespace: 'default', name })).status).toMatchObject({
      replicas: 5,
      readyReplicas: 3,
    });
    await sync(name, 'west', undefined);
    const stored = await client.get(DEPLOYMENTS, { namespace: 'default', name });
    expect(stored.metadata.annotations?.[statusAnnotation('west')]).toBeUndefined();
    expect(stored.status).toMatchObject({ replicas: 2, readyReplicas: 2 });
  });

  it('re-reads on every 409 and gives up with a retryable conflict when they outlast the retries', async () => {
    const name = await create();
    // The simulator's faults cannot answer 409; a client whose patches always meet a newer object can.
    let reads = 0;
    const racing: KubeClient = Object.create(client, {
      get: {
        value: (...args: Parameters<KubeClient['get']>) => {
          reads++;
          return client.get(...args);
        },
      },
      patch: {
        value: async () => {
          throw new TmcError({
            type: TmcErrorType.ResourceConflict,
            message: 'the object has been modified',
          });
        },
      },
    });
    await expect(
      syncAggregatedStatus({
        client: racing,
        gvr: DEPLOYMENTS,
        ref: { namespace: 'default', name },
        syncTargetKey: 'east',
        own: { replicas: 1 },
        extractor,
        conflictRetries: 2,
      }),
    ).rejects.toMatchObject({ type: 'ResourceConflict', retryable: true });
    expect(reads).toBe(3);
  });
});
