import type { KubeClient } from '@kcp-tmc/interfaces';
import { type RealKubeApiserver, type RealServers, startRealServers } from '@kcp-tmc/testing';
import { afterAll, beforeAll, type TestContext } from 'vitest';
import { adminClient } from './agents.js';

const START_TIMEOUT_MS = 45 * 60_000;

export interface RealUpstreamServers {
  readonly upstream: RealKubeApiserver;
  readonly downstream: RealKubeApiserver;
  /** An admin client on the upstream. */
  readonly client: KubeClient;
}

/**
 * Starts a plain-mode upstream serving the SyncTarget CRD and one downstream for the calling file (beforeAll, stopped
 * afterAll), and returns the per-test accessor: it skips the test when the servers are not available.
 */
export function useRealUpstreamServers(suite: string): (ctx: TestContext) => RealUpstreamServers {
  let real: RealServers<'upstream' | 'downstream'>;
  let admin: { client: KubeClient; close(): Promise<void> } | undefined;
  beforeAll(async () => {
    real = await startRealServers({ upstream: { syncTargetCrd: true }, downstream: {} });
    if (!real.available) {
      console.warn(`skipping upstream real-server ${suite} suite: ${real.reason}`);
      return;
    }
    admin = adminClient(real.servers.upstream);
  }, START_TIMEOUT_MS);
  afterAll(async () => {
    await admin?.close();
    await real?.stop();
  });
  return (ctx) => {
    if (!real.available || admin === undefined)
      return ctx.skip(real.available ? 'no admin client' : real.reason);
    return { ...real.servers, client: admin.client };
  };
}
