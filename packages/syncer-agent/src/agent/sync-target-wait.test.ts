import {
  CLUSTER_ANNOTATION,
  DEFAULT_FEATURE_GATES,
  type KubeClient,
  type KubeObject,
  type Logger,
  type ObjectRef,
  TmcError,
  TmcErrorType,
} from '@kcp-tmc/interfaces';
import { withinDeadline } from '@kcp-tmc/testing/kit';
import { describe, expect, it } from 'vitest';
import type { AgentOptions } from '../config/options.js';
import { resolveSyncTarget } from './sync-target-wait.js';

const OPTIONS: AgentOptions = {
  fromCluster: 'root:org',
  syncTargetName: 'phys',
  syncTargetUid: 'uid-1',
  upstreamMode: 'virtual-workspace',
  resources: [],
  qps: 20,
  burst: 30,
  downstreamNamespaceCleanDelayMs: 30_000,
  featureGates: DEFAULT_FEATURE_GATES,
  metricsBindAddress: null,
  healthProbeBindAddress: null,
  workers: 1,
  heartbeatPeriodMs: 20_000,
  shutdownTimeoutMs: 0,
  verbosity: 2,
};

const SYNCER_URL = 'https://kcp/services/syncer/1mkf0habviiif6ta/phys/uid-1';

function syncTarget(status: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: 'workload.kcp.io/v1alpha1',
    kind: 'SyncTarget',
    // kcp annotates every object with its logical cluster NAME, whatever path it was read through.
    metadata: { name: 'phys', uid: 'uid-1', annotations: { [CLUSTER_ANNOTATION]: '1mkf0habviiif6ta' } },
    status,
  };
}

/** Answers each get with the next of `answers` (the last one repeats), recording where it was asked. */
function answering(answers: Array<KubeObject | Error>) {
  const refs: ObjectRef[] = [];
  const client = {
    async get(_gvr: unknown, ref: ObjectRef) {
      refs.push(ref);
      const answer = answers[Math.min(refs.length - 1, answers.length - 1)] as KubeObject | Error;
      if (answer instanceof Error) throw answer;
      return answer;
    },
  } as unknown as KubeClient;
  return { client, refs };
}

function memoryLogger() {
  const infos: string[] = [];
  const logger: Logger = {
    error: () => undefined,
    warn: () => undefined,
    info: (message) => infos.push(message),
    debug: () => undefined,
    child: () => logger,
  };
  return { logger, infos };
}

const FAST = { initialDelayMs: 1, maxDelayMs: 2 };

describe('resolveSyncTarget', () => {
  it('reads the SyncTarget through --from-cluster and addresses it by its logical cluster name', async () => {
    const { client, refs } = answering([
      syncTarget({ virtualWorkspaces: [{ syncerURL: SYNCER_URL, upsyncerURL: 'u' }] }),
    ]);
    const resolved = await resolveSyncTarget(client, OPTIONS, memoryLogger().logger, FAST);
    expect(refs).toEqual([{ name: 'phys', cluster: 'root:org' }]);
    expect(resolved).toMatchObject({ cluster: '1mkf0habviiif6ta', syncerURL: SYNCER_URL });
  });

  it('waits, saying for what once, until kcp publishes the syncer virtual workspace URL', async () => {
    const { client, refs } = answering([
      syncTarget(),
      syncTarget({ virtualWorkspaces: [] }),
      syncTarget({ virtualWorkspaces: [{ syncerURL: SYNCER_URL }] }),
    ]);
    const { logger, infos } = memoryLogger();
    const resolved = await resolveSyncTarget(client, OPTIONS, logger, FAST);
    expect(refs).toHaveLength(3);
    expect(resolved.syncerURL).toBe(SYNCER_URL);
    expect(infos).toEqual([
      'waiting for the syncer virtual workspace URL in SyncTarget "phys" status.virtualWorkspaces[0].syncerURL',
    ]);
  });

  it('waits out a 403 (the role may come after the Deployment)', async () => {
    const denied = new TmcError({ type: TmcErrorType.Forbidden, message: 'forbidden' });
    const { client, refs } = answering([
      denied,
      denied,
      syncTarget({ virtualWorkspaces: [{ syncerURL: SYNCER_URL }] }),
    ]);
    const { logger, infos } = memoryLogger();
    await resolveSyncTarget(client, OPTIONS, logger, FAST);
    expect(refs).toHaveLength(3);
    expect(infos).toEqual([
      'waiting for access to SyncTarget "phys" in logical cluster "root:org" (the upstream denies get)',
    ]);
  });

  it('refuses another uid with kcp syncer words', async () => {
    const { client } = answering([syncTarget()]);
    await expect(
      resolveSyncTarget(client, { ...OPTIONS, syncTargetUid: 'uid-2' }, memoryLogger().logger, FAST),
    ).rejects.toThrow('unexpected SyncTarget UID uid-1, expected uid-2, refusing to sync');
  });

  it('does not wait for a URL outside virtual-workspace mode', async () => {
    const { client } = answering([syncTarget()]);
    const resolved = await resolveSyncTarget(
      client,
      { ...OPTIONS, upstreamMode: 'wildcard' },
      memoryLogger().logger,
      FAST,
    );
    expect(resolved).toMatchObject({ cluster: '1mkf0habviiif6ta' });
    expect(resolved.syncerURL).toBeUndefined();
  });

  it('stops waiting when the signal aborts', async () => {
    const { client } = answering([syncTarget()]);
    const abort = new AbortController();
    const waiting = resolveSyncTarget(client, OPTIONS, memoryLogger().logger, {
      signal: abort.signal,
      initialDelayMs: 60_000,
    });
    abort.abort(new Error('SIGTERM received'));
    await expect(waiting).rejects.toThrow('stopped while waiting for SyncTarget "phys"');
  });

  it('is woken by a watch when the missing SyncTarget is created, not by the next poll', async () => {
    const notFound = new TmcError({ type: TmcErrorType.NotFound, message: 'not found' });
    let created = false;
    const watches: Array<Record<string, unknown>> = [];
    const client = {
      async get() {
        if (!created) throw notFound;
        return syncTarget({ virtualWorkspaces: [{ syncerURL: SYNCER_URL }] });
      },
      async *watch(_gvr: unknown, scope: unknown, options: Record<string, unknown>) {
        watches.push({ scope, fieldSelector: options.fieldSelector });
        created = true;
        yield { type: 'ADDED', object: syncTarget() };
      },
    } as unknown as KubeClient;
    const { logger, infos } = memoryLogger();
    // A poll would come after a minute: only the watch can end this wait in time.
    const resolved = await withinDeadline(
      'the SyncTarget wait',
      5_000,
      resolveSyncTarget(client, OPTIONS, logger, { untilCreated: true, initialDelayMs: 60_000 }),
    );
    expect(resolved.syncerURL).toBe(SYNCER_URL);
    expect(watches).toEqual([{ scope: { cluster: 'root:org' }, fieldSelector: 'metadata.name=phys' }]);
    expect(infos).toEqual(['waiting for SyncTarget "phys" in logical cluster "root:org" to be created']);
  });

  it('falls back to the backoff when the watch is denied', async () => {
    const notFound = new TmcError({ type: TmcErrorType.NotFound, message: 'not found' });
    const { client, refs } = answering([
      notFound,
      notFound,
      syncTarget({ virtualWorkspaces: [{ syncerURL: SYNCER_URL }] }),
    ]);
    let watched = 0;
    (client as unknown as Record<string, unknown>).watch = async function* () {
      watched++;
      yield* [];
      throw new TmcError({ type: TmcErrorType.Forbidden, message: 'denied' });
    };
    const resolved = await resolveSyncTarget(client, OPTIONS, memoryLogger().logger, {
      ...FAST,
      untilCreated: true,
    });
    expect(resolved.syncerURL).toBe(SYNCER_URL);
    expect(refs).toHaveLength(3);
    expect(watched).toBe(2);
  });
});
