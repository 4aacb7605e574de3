import { acceptResources } from '@kcp-tmc/testing';
import { describe, expect, it } from 'vitest';
import {
  agentArgs,
  CLI_BUILT,
  call,
  createSyncedConfigMap,
  ownedDownstream,
  ST_CLUSTER,
  ST_NAME,
  useWorld,
  waitFor,
  withAgent,
} from './support.js';

describe.skipIf(!CLI_BUILT)('the SyncTarget is deleted under a running agent', () => {
  const world = useWorld();

  it('exits 1 naming the deletion, and deletes nothing downstream', async () => {
    expect(await createSyncedConfigMap(world, 'kept')).toBe(201);
    await withAgent(agentArgs(world), async (agent) => {
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
    });
  }, 120_000);
});

describe.skipIf(!CLI_BUILT)('the SyncTarget is deleted under an agent told to wait', () => {
  const world = useWorld();

  it('with --on-sync-target-deleted=wait stops writing, waits, and syncs again once the SyncTarget is back', async () => {
    expect(await createSyncedConfigMap(world, 'before')).toBe(201);
    const names = async () =>
      (await ownedDownstream(world, '/api/v1/configmaps')).map((o) => o.metadata.name);
    await withAgent(agentArgs(world, ['--on-sync-target-deleted=wait']), async (agent) => {
      await waitFor(async () => (await names()).includes('before'), 'the first ConfigMap downstream');

      const sts = `/clusters/${ST_CLUSTER}/apis/workload.kcp.io/v1alpha1/synctargets`;
      expect((await call(world.upstream.url, `${sts}/${ST_NAME}`, 'DELETE')).status).toBe(200);
      const waiting = `waiting for SyncTarget "${ST_NAME}" in logical cluster "${ST_CLUSTER}" to be created`;
      await waitFor(
        () => agent.logs().some((l) => l.msg === waiting),
        'the agent to wait for the SyncTarget',
      );
      // The old agent stopped before the wait began: nothing of it writes any more.
      expect(await createSyncedConfigMap(world, 'during')).toBe(201);
      expect(agent.child.exitCode).toBeNull();

      const recreated = await call(world.upstream.url, sts, 'POST', {
        apiVersion: 'workload.kcp.io/v1alpha1',
        kind: 'SyncTarget',
        metadata: { name: ST_NAME },
      });
      expect(recreated.status).toBe(201);
      await acceptResources(world.upstream, ST_CLUSTER, ST_NAME, ['apps/v1/deployments', 'v1/services']);
      await waitFor(
        () => agent.logs().filter((l) => l.msg === 'agent started').length === 2,
        'the agent to start again',
        60_000,
      );
      await waitFor(async () => (await names()).includes('during'), 'the ConfigMap made while it waited');
      expect(await names()).toContain('before');
      expect(agent.child.exitCode).toBeNull();
    });
  }, 180_000);
});
