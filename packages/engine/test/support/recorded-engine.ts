import {
  DOWNSTREAM_SYNCER,
  type EngineConfig,
  EVENT_SYNCER,
  SYNC_ENGINE,
  SYNC_TARGET,
  type SyncTargetRef,
  UPSTREAM_STATUS_SYNCER,
  type UpstreamMode,
} from '@kcp-tmc/interfaces';
import type { DependencyContainer } from 'tsyringe';
import type { DefaultSyncEngine } from '../../src/engine.js';
import { type RegisterEngineOptions, registerEngine } from '../../src/register.js';
import { RecordingSyncer } from './recording-syncer.js';

export interface RecordedEngineOptions {
  readonly upstreamMode: UpstreamMode;
  readonly apiImport?: RegisterEngineOptions['apiImport'];
  /** Over no resync, a 5 s shutdown and this cache-sync timeout. */
  readonly cacheSyncTimeoutMs: number;
  readonly config?: Partial<EngineConfig> | undefined;
}

/**
 * registerEngine on `c` (whose kube stack is registered) for SyncTarget `ref`, with one RecordingSyncer bound to
 * every syncer token; the engine is resolved on first use.
 */
export function registerRecordedEngine(
  c: DependencyContainer,
  ref: SyncTargetRef,
  { upstreamMode, apiImport, cacheSyncTimeoutMs, config }: RecordedEngineOptions,
) {
  const syncer = new RecordingSyncer();
  c.register(SYNC_TARGET, { useValue: ref });
  c.register(DOWNSTREAM_SYNCER, { useValue: syncer });
  c.register(UPSTREAM_STATUS_SYNCER, { useValue: syncer });
  c.register(EVENT_SYNCER, { useValue: syncer });
  registerEngine(c, {
    upstreamMode,
    ...(apiImport === undefined ? {} : { apiImport }),
    config: { resyncPeriodMs: 0, cacheSyncTimeoutMs, shutdownTimeoutMs: 5_000, ...config },
  });
  let engine: DefaultSyncEngine | undefined;
  return {
    syncer,
    engine(): DefaultSyncEngine {
      engine ??= c.resolve<DefaultSyncEngine>(SYNC_ENGINE);
      return engine;
    },
    /** The engine if it was resolved. */
    resolved: (): DefaultSyncEngine | undefined => engine,
  };
}
