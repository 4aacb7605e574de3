import { DEFAULT_FEATURE_GATES, parseGvr, type SyncTarget } from '@kcp-tmc/interfaces';
import type { KubeSimulator } from '@kcp-tmc/testing';
import { expect } from 'vitest';
import type { AgentOptions } from '../../src/config/options.js';

/** The logical cluster holding the tests' SyncTargets on a kcp-mode upstream simulator. */
export const SYNC_TARGET_CLUSTER = 'root:org';

/** The API import of ConfigMaps, polled rarely enough that a test never sees a second round. */
export const IMPORT_CONFIGMAPS = {
  resourcesToImport: ['configmaps'],
  apiImportPollIntervalMs: 60_000,
} as const;

/** Creates SyncTarget `name` in SYNC_TARGET_CLUSTER through the upstream simulator's HTTP API (expects a 201). */
export async function postSyncTarget(upstream: KubeSimulator, name = 'east'): Promise<SyncTarget> {
  const res = await fetch(
    `${upstream.url}/clusters/${SYNC_TARGET_CLUSTER}/apis/workload.kcp.io/v1alpha1/synctargets`,
    {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        apiVersion: 'workload.kcp.io/v1alpha1',
        kind: 'SyncTarget',
        metadata: { name },
      }),
    },
  );
  expect(res.status).toBe(201);
  return (await res.json()) as SyncTarget;
}

/**
 * An in-process agent on SyncTarget `east` between two simulators: ConfigMaps through the syncer virtual
 * workspace, no rate limit to speak of, 200 ms heartbeats, a 2 s shutdown and no endpoints; `extra` on top.
 */
export function simulatorAgentOptions(
  upstream: KubeSimulator,
  downstream: KubeSimulator,
  extra: Partial<AgentOptions> = {},
): AgentOptions {
  return {
    fromKubeconfig: upstream.kubeconfigPath,
    fromCluster: SYNC_TARGET_CLUSTER,
    toKubeconfig: downstream.kubeconfigPath,
    syncTargetName: 'east',
    upstreamMode: 'virtual-workspace',
    resources: [parseGvr('v1/configmaps')],
    qps: 1000,
    burst: 1000,
    downstreamNamespaceCleanDelayMs: 1000,
    featureGates: DEFAULT_FEATURE_GATES,
    metricsBindAddress: null,
    healthProbeBindAddress: null,
    workers: 2,
    heartbeatPeriodMs: 200,
    shutdownTimeoutMs: 2000,
    verbosity: 0,
    ...extra,
  };
}
