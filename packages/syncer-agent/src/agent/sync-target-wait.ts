import {
  CLUSTER_ANNOTATION,
  DEFAULT_CLUSTER_NAME,
  type KubeClient,
  type Logger,
  SYNC_TARGET_GVR,
  type SyncTarget,
  syncerVirtualWorkspaceUrl,
  TmcError,
} from '@kcp-tmc/interfaces';
import type { AgentOptions } from '../config/options.js';
import { awaitSyncTargetCreation } from './sync-target-creation.js';
import { AgentStartError, describe } from './upstream-access.js';

/** The SyncTarget as start-up found it, and what the agent addresses it by from then on. */
export interface ResolvedSyncTarget {
  readonly syncTarget: SyncTarget;
  /**
   * The logical cluster NAME (its `kcp.io/cluster` annotation), which `--from-cluster` may give as a path
   * (root:org): the SyncTarget key, the namespace locator and the virtual workspace URL use the name.
   */
  readonly cluster: string;
  /** Virtual-workspace mode: `status.virtualWorkspaces[0].syncerURL`. */
  readonly syncerURL?: string;
}

export interface SyncTargetWait {
  /** Ends the wait (the agent is stopping); the promise rejects with an AgentStartError. */
  readonly signal?: AbortSignal;
  /** First delay between reads; doubles up to maxDelayMs (kcp's syncer polls every 5 s). */
  readonly initialDelayMs?: number;
  readonly maxDelayMs?: number;
  /** A missing SyncTarget is waited for (the agent starts again after its deletion) instead of failing. */
  readonly untilCreated?: boolean;
}

/**
 * Reads the SyncTarget by name (kcp's generated RBAC grants a get on it), as kcp's syncer does at start
 * (pkg/syncer/syncer.go): refuses a uid other than `--sync-target-uid`, and in virtual-workspace mode waits
 * for kcp to publish the syncer virtual workspace URL. A 403 is waited out too (the role may be applied after
 * the Deployment); the transport logs it once with what to grant. A missing SyncTarget fails.
 */
export async function resolveSyncTarget(
  client: KubeClient,
  options: AgentOptions,
  logger: Logger,
  wait: SyncTargetWait = {},
): Promise<ResolvedSyncTarget> {
  const plain = options.upstreamMode === 'plain';
  const given = options.fromCluster ?? DEFAULT_CLUSTER_NAME;
  const where = plain ? '' : ` in logical cluster "${given}"`;
  const name = options.syncTargetName;
  const waiting = new Set<string>();
  const note = (what: string, fields: Record<string, unknown> = {}) => {
    if (waiting.has(what)) return;
    waiting.add(what);
    logger.info(`waiting for ${what}`, { syncTarget: name, cluster: given, ...fields });
  };
  let delay = wait.initialDelayMs ?? 500;
  for (;;) {
    let target: SyncTarget | undefined;
    let missing = false;
    try {
      target = (await client.get(
        SYNC_TARGET_GVR,
        { name, ...(plain ? {} : { cluster: given }) },
        wait.signal === undefined ? {} : { signal: wait.signal },
      )) as SyncTarget;
    } catch (err) {
      if (wait.signal?.aborted === true) throw interrupted(name, err);
      if (err instanceof TmcError && err.type === 'NotFound' && wait.untilCreated === true) {
        note(`SyncTarget "${name}"${where} to be created`);
        missing = true;
      } else if (err instanceof TmcError && err.type === 'NotFound') {
        throw new AgentStartError(`SyncTarget "${name}" not found${where}`, { cause: err });
      } else if (!(err instanceof TmcError && err.type === 'Forbidden')) {
        throw new AgentStartError(
          `cannot read SyncTarget "${name}"${where} from the upstream: ${describe(err)}`,
          {
            cause: err,
          },
        );
      } else {
        note(`access to SyncTarget "${name}"${where} (the upstream denies get)`);
      }
    }
    if (target !== undefined) {
      const uid = target.metadata.uid ?? '';
      if (options.syncTargetUid !== undefined && uid !== options.syncTargetUid) {
        // kcp's syncer refuses with these words (pkg/syncer/syncer.go).
        throw new AgentStartError(
          `unexpected SyncTarget UID ${uid}, expected ${options.syncTargetUid}, refusing to sync`,
        );
      }
      const cluster = plain ? given : (target.metadata.annotations?.[CLUSTER_ANNOTATION] ?? given);
      if (options.upstreamMode !== 'virtual-workspace') return { syncTarget: target, cluster };
      const workspaces = target.status?.virtualWorkspaces ?? [];
      const syncerURL = syncerVirtualWorkspaceUrl(target);
      if (syncerURL !== undefined) {
        if (workspaces.length > 1) {
          logger.error('SyncTarget has several syncer virtual workspace URLs: using the first', {
            syncTarget: name,
            urls: workspaces.map((w) => w.syncerURL),
          });
        }
        return { syncTarget: target, cluster, syncerURL };
      }
      note(`the syncer virtual workspace URL in SyncTarget "${name}" status.virtualWorkspaces[0].syncerURL`, {
        hint: 'kcp publishes it when TMC is enabled; --upstream-mode=wildcard reads the workspaces directly',
      });
    }
    const scope = plain ? {} : { cluster: given };
    const begun = Date.now();
    // Missing: woken by the watch when it is created, paced by the backoff only when the watch fails.
    if (missing && (await awaitSyncTargetCreation(client, name, scope, delay, wait.signal))) continue;
    await sleep(Math.max(0, delay - (Date.now() - begun)), wait.signal).catch((err: unknown) => {
      throw interrupted(name, err);
    });
    delay = Math.min(delay * 2, wait.maxDelayMs ?? 5_000);
  }
}

function interrupted(name: string, cause: unknown): AgentStartError {
  return new AgentStartError(`stopped while waiting for SyncTarget "${name}"`, { cause });
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted === true) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
