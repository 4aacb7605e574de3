import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  agentArgs,
  CLI_BUILT,
  call,
  ownedDownstream,
  ST_CLUSTER,
  ST_NAME,
  spawnAgent,
  started,
  startWorld,
  syncLabels,
  WORKSPACES,
  type World,
  waitFor,
} from './support.js';

describe.skipIf(!CLI_BUILT)('the SyncTarget is deleted under a running agent', () => {
  let world: World;
  beforeAll(async () => {
    world = await startWorld();
  });
  afterAll(async () => {
    await world.stop();
  });

  it('exits 1 naming the deletion, and deletes nothing downstream', async () => {
    const workspace = `${world.upstream.url}/clusters/${WORKSPACES[0]}`;
    const created = await call(workspace, '/api/v1/namespaces/apps/configmaps', 'POST', {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'kept', labels: syncLabels() },
      data: { a: '1' },
    });
    expect(created.status).toBe(201);
    const agent = spawnAgent(agentArgs(world));
    try {
      await started(agent, 60_000);
      const synced = async () =>
        (await ownedDownstream(world, '/api/v1/configmaps')).some((o) => o.metadata.name === 'kept');
      await waitFor(synced, 'the ConfigMap downstream');

      const st = `/clusters/${ST_CLUSTER}/apis/workload.kcp.io/v1alpha1/synctargets/${ST_NAME}`;
      expect((await call(world.upstream.url, st, 'DELETE')).status).toBe(200);
      const { code } = await agent.exited;
      expect(code).toBe(1);
      expect(agent.logs().find((l) => l.msg === 'agent cannot go on, writes stopped')?.reason).toBe(
        `SyncTarget ${ST_CLUSTER}:${ST_NAME} was deleted`,
      );
      // kcp itself drops a deleted SyncTarget's finalizers upstream; what runs downstream is the operator's call.
      expect(await synced()).toBe(true);
    } finally {
      agent.child.kill('SIGKILL');
    }
  }, 120_000);
});
