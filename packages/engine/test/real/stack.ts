import {
  DOWNSTREAM_KUBE_CLIENT,
  DOWNSTREAM_SYNCER,
  type EngineConfig,
  EVENT_SYNCER,
  encodeClusterKey,
  type GVR,
  type KubeClient,
  parseGvr,
  SYNC_ENGINE,
  SYNC_TARGET,
  UPSTREAM_KUBE_CLIENT,
  UPSTREAM_STATUS_SYNCER,
} from '@kcp-tmc/interfaces';
import { type KubeRegistration, registerKube } from '@kcp-tmc/kube';
import type { RealKubeApiserver } from '@kcp-tmc/testing';
import { createSyncTarget, kubeSide } from '@kcp-tmc/testing/kit';
import { container } from 'tsyringe';
import type { DefaultSyncEngine } from '../../src/engine.js';
import { registerEngine } from '../../src/register.js';
import { RecordingSyncer } from '../support/recording-syncer.js';
import { eventually } from '../support/wait.js';

/** The cluster name plain-mode informers key upstream objects under. */
export const PLAIN_CLUSTER = 'plain';

export interface RealStackOptions {
  /** SyncTarget name: each test makes its own, so tests on one server stay apart. */
  readonly name: string;
  readonly syncedResources: readonly string[];
  readonly config?: Partial<EngineConfig>;
}

/**
 * The engine in plain mode against a real upstream (serving the SyncTarget CRD) and a real downstream, the
 * real kube stack on both sides, a RecordingSyncer on every syncer token. The servers outlive the stack: a
 * suite starts them once and each test brings its own SyncTarget (and so its own state label).
 */
export async function startRealStack(
  upstream: RealKubeApiserver,
  downstream: RealKubeApiserver,
  options: RealStackOptions,
) {
  const registrations: KubeRegistration[] = [];
  const c = container.createChildContainer();
  const registration = registerKube(c, {
    upstream: kubeSide(upstream, { informers: { useClusterAnnotation: false, clusterName: PLAIN_CLUSTER } }),
    downstream: kubeSide(downstream),
  });
  registrations.push(registration);
  const upstreamClient = c.resolve<KubeClient>(UPSTREAM_KUBE_CLIENT);
  // In plain mode the SyncTarget key still hashes a logical cluster name: any constant does.
  const { ref, setSyncedResources } = await createSyncTarget(upstreamClient, {
    cluster: PLAIN_CLUSTER,
    name: options.name,
    plain: true,
    syncedResources: options.syncedResources,
  });

  const syncer = new RecordingSyncer();
  c.register(SYNC_TARGET, { useValue: ref });
  c.register(DOWNSTREAM_SYNCER, { useValue: syncer });
  c.register(UPSTREAM_STATUS_SYNCER, { useValue: syncer });
  c.register(EVENT_SYNCER, { useValue: syncer });
  registerEngine(c, {
    upstreamMode: 'plain',
    config: { resyncPeriodMs: 0, cacheSyncTimeoutMs: 30_000, shutdownTimeoutMs: 5_000, ...options.config },
  });

  let engine: DefaultSyncEngine | undefined;
  return {
    ref,
    upstreamClient,
    downstreamClient: c.resolve<KubeClient>(DOWNSTREAM_KUBE_CLIENT),
    syncer,
    setSyncedResources,
    engine(): DefaultSyncEngine {
      engine ??= c.resolve<DefaultSyncEngine>(SYNC_ENGINE);
      return engine;
    },
    downKey(gvr: string | GVR, namespace: string, name: string): string {
      const g = typeof gvr === 'string' ? parseGvr(gvr) : gvr;
      return `down|${encodeClusterKey({ cluster: PLAIN_CLUSTER, gvr: g, namespace, name })}`;
    },
    async stop(): Promise<void> {
      await engine?.stop();
      for (const r of registrations) await r.close();
    },
  };
}

export type RealStack = Awaited<ReturnType<typeof startRealStack>>;

export const MARKER = 'test.kcp.io/marker';

/** Waits until each key had an apply, from call index `since` on, that carried `marker`. */
export async function waitForMarker(
  stack: RealStack,
  keys: readonly string[],
  marker: string,
  since: number,
  timeoutMs = 30_000,
): Promise<void> {
  const missing = (): string[] => {
    const seen = new Set<string>();
    for (const call of stack.syncer.calls.slice(since)) {
      if (call.kind === 'apply' && call.upstream?.metadata.annotations?.[MARKER] === marker)
        seen.add(call.id);
    }
    return keys.filter((key) => !seen.has(key));
  };
  try {
    await eventually(() => missing().length === 0, timeoutMs, 50);
  } catch (err) {
    const gone = missing();
    throw new Error(`${gone.length} keys never saw marker ${marker}, e.g. ${gone.slice(0, 3).join(', ')}`, {
      cause: err,
    });
  }
}
