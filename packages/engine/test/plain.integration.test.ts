import { DOWNSTREAM_CLUSTER_LABEL, type KubeObject, parseGvr } from '@kcp-tmc/interfaces';
import { afterEach, describe, expect, it } from 'vitest';
import { eventually } from '../src/test-support/wait.js';
import { SYNCED_RESOURCES, TEST_GVRS, workload } from './support/fixtures.js';
import { type Stack, startStack } from './support/stack.js';

const NAMESPACES = ['team-a', 'team-b', 'team-c'];

async function createNamespaces(stack: Stack): Promise<void> {
  for (const name of NAMESPACES) {
    await stack.upstreamClient.create(parseGvr('v1/namespaces'), {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name },
    });
  }
}

/** 500 objects: 100 per GVR, spread over three namespaces. Returns their queue keys. */
async function createWorkloads(stack: Stack): Promise<Set<string>> {
  const keys = new Set<string>();
  const writes: Promise<unknown>[] = [];
  for (const gvr of TEST_GVRS) {
    for (let i = 0; i < 100; i++) {
      const namespace = NAMESPACES[i % 3] as string;
      const name = `obj-${i}`;
      keys.add(stack.downKey(gvr, namespace, name));
      writes.push(
        stack.upstreamClient.create(parseGvr(gvr), workload(gvr, namespace, name, stack.ref.key), {
          namespace,
        }),
      );
    }
  }
  await Promise.all(writes);
  return keys;
}

describe('engine against simulators (plain upstream)', () => {
  let stack: Stack | undefined;
  afterEach(async () => {
    await stack?.stop();
    stack = undefined;
  });

  it('500 objects over 5 GVRs reach the recording syncer, each key on one worker at a time', async () => {
    stack = await startStack({ syncedResources: SYNCED_RESOURCES, config: { workerCount: 4 } });
    await createNamespaces(stack);
    const keys = await createWorkloads(stack);
    // Unlabelled objects are not scheduled here: never synced.
    await stack.upstreamClient.create(
      parseGvr('v1/configmaps'),
      workload('v1/configmaps', 'team-a', 'not-mine', 'other-target'),
      {
        namespace: 'team-a',
      },
    );
    const engine = stack.engine();
    await engine.start();
    expect(engine.getStatus().connected).toBe(true);
    const applied = () => new Set(stack?.syncer.of('apply').map((call) => call.id));
    await eventually(() => [...keys].every((key) => applied().has(key)));
    expect(applied().size).toBe(500);
    expect(stack.syncer.overlaps).toEqual([]);
    const status = engine.getStatus();
    for (const gvr of TEST_GVRS) expect(status.resources[gvr]?.synced).toBeGreaterThanOrEqual(100);
    expect(status.droppedResources).toBeUndefined();
  });

  it('status and recreation: a downstream change goes up, a downstream delete sends the object down again', async () => {
    stack = await startStack({ syncedResources: ['apps/v1/deployments'] });
    await createNamespaces(stack);
    const deployments = parseGvr('apps/v1/deployments');
    await stack.upstreamClient.create(
      deployments,
      workload('apps/v1/deployments', 'team-a', 'web', stack.ref.key),
      {
        namespace: 'team-a',
      },
    );
    // A syncer that writes what it is given downstream, so the downstream informer sees "our" object.
    const down = stack.downstreamClient;
    stack.syncer.behavior = async (call) => {
      if (call.kind !== 'apply' || call.desired === undefined) return undefined;
      const desired: KubeObject = structuredClone(call.desired);
      desired.metadata = {
        name: desired.metadata.name as string,
        namespace: 'default',
        labels: { ...desired.metadata.labels, [DOWNSTREAM_CLUSTER_LABEL]: stack?.ref.key as string },
      };
      const written = await down
        .create(deployments, desired, { namespace: 'default' })
        .catch(() => down.get(deployments, { namespace: 'default', name: desired.metadata.name as string }));
      return { key: call.item.key, operation: 'create', success: true, conflicts: [], object: written };
    };
    await stack.engine().start();
    await eventually(() => stack?.syncer.of('status').length === 1);
    expect(stack.syncer.of('status')[0]?.downstream?.metadata.namespace).toBe('default');

    await down.delete(deployments, { namespace: 'default', name: 'web' });
    await eventually(() => stack?.syncer.of('apply').length === 2);
    expect(stack.syncer.of('status').some((call) => call.downstream === undefined)).toBe(true);
  });

  it('drops GVRs the downstream denies and starts GVRs added to the SyncTarget at run time', async () => {
    stack = await startStack({
      syncedResources: ['apps/v1/deployments', 'batch/v1/jobs'],
      downstream: {
        accessRules: {
          rules: [{ groups: ['batch'], resources: ['jobs'], allowed: false, reason: 'no jobs here' }],
        },
      },
    });
    await createNamespaces(stack);
    const engine = stack.engine();
    await engine.start();
    expect(engine.activeResources()).not.toContain('batch/v1/jobs');
    expect(engine.getStatus().droppedResources?.['batch/v1/jobs']).toMatch(/denied verb "\*": no jobs here/);

    const services = parseGvr('v1/services');
    await stack.upstreamClient.create(services, workload('v1/services', 'team-b', 'api', stack.ref.key), {
      namespace: 'team-b',
    });
    await stack.setSyncedResources(['apps/v1/deployments', 'batch/v1/jobs', 'v1/services']);
    await eventually(
      () =>
        stack?.syncer.of('apply').some((call) => call.id === stack?.downKey(services, 'team-b', 'api')) ===
        true,
    );
    expect(engine.activeResources()).toContain('v1/services');

    await stack.setSyncedResources(['batch/v1/jobs']);
    await eventually(() => !engine.activeResources().includes('apps/v1/deployments'));
    expect(engine.activeResources()).toContain('v1/configmaps');
  });
});
