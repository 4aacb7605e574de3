// restart.e2e.test.ts against real kube-apiservers (plain upstream with the SyncTarget CRD, real downstream):
// the agent is killed with SIGKILL in the middle of a 2,000-object sync, and a second agent converges to exactly
// the upstream set downstream, with no duplicate and no stray object.
import { NAMESPACE_LOCATOR_ANNOTATION, parseNamespaceLocator } from '@kcp-tmc/interfaces';
import type { RealServers } from '@kcp-tmc/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createAllReal,
  createNamespaces,
  createSyncTarget,
  ownedBy,
  plainKey,
  realAgentArgs,
  rest,
  START_TIMEOUT_MS,
  serversOf,
  startRealWorld,
} from './real-support.js';
import { CLI_BUILT, expectConvergedOnce, spawnAgent, started, syncLabelsFor, waitFor } from './support.js';

const TOTAL = 2_000;
const ST_NAME = 'restart';
const KEY = plainKey(ST_NAME);
const NAMESPACES = ['bulk-a', 'bulk-b'];

describe.skipIf(!CLI_BUILT)('kill -9 in the middle of a 2,000-object sync, real kube-apiservers', () => {
  let real: RealServers<'upstream' | 'downstream'> | undefined;
  beforeAll(async () => {
    real = await startRealWorld('the syncer-agent real-server restart e2e suite');
    if (!real.available) return;
    const { upstream } = real.servers;
    await createSyncTarget(upstream, ST_NAME, []);
    await createNamespaces(upstream, NAMESPACES);
    const items = Array.from({ length: TOTAL }, (_, i) => ({
      path: `/api/v1/namespaces/${NAMESPACES[i % NAMESPACES.length]}/configmaps`,
      object: {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: `cm-${i}`, labels: syncLabelsFor(KEY) },
        data: { i: String(i) },
      },
    }));
    await createAllReal(upstream, items);
  }, START_TIMEOUT_MS);
  afterAll(async () => {
    await real?.stop();
  });

  it('a restart converges with no duplicate and no stray object', async (ctx) => {
    const servers = serversOf(real, ctx);
    const owned = () => ownedBy(servers.downstream, '/api/v1/configmaps', KEY);
    // Slow enough that the kill lands mid-sync.
    const first = spawnAgent(realAgentArgs(servers, ST_NAME, ['--qps=150', '--burst=50']));
    try {
      await started(first, 60_000);
      await waitFor(async () => (await owned()).length >= 200, 'part of the sync to land', 60_000, 50);
    } finally {
      first.child.kill('SIGKILL');
    }
    const { signal } = await first.exited;
    expect(signal).toBe('SIGKILL');
    const partial = (await owned()).length;
    expect(partial).toBeLessThan(TOTAL);

    const second = spawnAgent(realAgentArgs(servers, ST_NAME));
    try {
      await started(second, 60_000);
      await waitFor(
        async () => (await owned()).length >= TOTAL,
        `all ${TOTAL} objects downstream`,
        180_000,
        500,
      );
      const objects = await owned();
      expect(objects).toHaveLength(TOTAL);
      // Each downstream object maps back, through its namespace's locator, to exactly one upstream object.
      const { json } = await rest(servers.downstream, 'GET', '/api/v1/namespaces');
      const upstreamNamespaceOf = new Map(
        (json.items ?? []).flatMap((ns) => {
          const annotation = ns.metadata.annotations?.[NAMESPACE_LOCATOR_ANNOTATION];
          if (annotation === undefined) return [];
          return [[ns.metadata.name as string, parseNamespaceLocator(annotation).namespace] as const];
        }),
      );
      expectConvergedOnce(
        objects,
        upstreamNamespaceOf,
        new Set(Array.from({ length: TOTAL }, (_, i) => `${NAMESPACES[i % NAMESPACES.length]}/cm-${i}`)),
      );
    } finally {
      second.child.kill('SIGTERM');
      expect((await second.exited).code).toBe(0);
    }
  }, 360_000);
});
