import { describe, expect, it } from 'vitest';
import {
  agentArgs,
  CLI_BUILT,
  call,
  createSyncedConfigMap,
  ownedDownstream,
  useWorld,
  waitFor,
  withAgent,
} from './support.js';

// The restart in reference/real-kcp/README.md ("Our agent", item 4): writes into a downstream namespace that is
// still Terminating got 403 (NamespaceLifecycle admission) and were given up "until the object changes". They
// are retried with backoff: once the namespace is gone, the agent creates it again and the object lands.
describe.skipIf(!CLI_BUILT)('a write into a terminating downstream namespace', () => {
  const world = useWorld();

  it('is retried with backoff, not dropped, and lands once the namespace is gone', async () => {
    expect(await createSyncedConfigMap(world, 'first')).toBe(201);
    await withAgent(agentArgs(world), async (agent) => {
      let namespace = '';
      await waitFor(async () => {
        const first = (await ownedDownstream(world, '/api/v1/configmaps')).find(
          (o) => o.metadata.name === 'first',
        );
        namespace = first?.metadata.namespace ?? '';
        return namespace !== '';
      }, 'the first ConfigMap downstream');

      // Held Terminating by a finalizer of ours, as a slow namespace controller would hold it.
      const ns = `/api/v1/namespaces/${namespace}`;
      expect(
        (await call(world.downstream.url, ns, 'PATCH', { metadata: { finalizers: ['e2e.test/hold'] } }))
          .status,
      ).toBe(200);
      expect((await call(world.downstream.url, ns, 'DELETE')).status).toBe(200);
      await waitFor(
        async () =>
          ((await call(world.downstream.url, ns)).json.status as { phase?: string } | undefined)?.phase ===
          'Terminating',
        'Terminating',
      );
      expect(await createSyncedConfigMap(world, 'second')).toBe(201);
      // The agent finds the namespace terminating (or is refused with 403 NamespaceTerminating), and retries.
      await waitFor(
        () =>
          agent
            .logs()
            .some(
              (l) =>
                l.msg === 'sync failed, retrying' && String(l.key).endsWith('/v1/configmaps/apps/second'),
            ),
        'a retried write',
        30_000,
      );
      // Released until it is gone (the namespace controller writes the namespace too while it terminates).
      await waitFor(async () => {
        await call(world.downstream.url, ns, 'PATCH', { metadata: { finalizers: [] } });
        const after = await call(world.downstream.url, ns);
        return after.status === 404 || after.json.metadata.deletionTimestamp === undefined;
      }, 'the namespace to go');
      await waitFor(
        async () =>
          (await ownedDownstream(world, '/api/v1/configmaps')).some((o) => o.metadata.name === 'second'),
        'the second ConfigMap downstream',
        30_000,
      );
      expect(agent.logs().filter((l) => l.msg === 'sync failed, giving up until the object changes')).toEqual(
        [],
      );
    });
  }, 120_000);
});
