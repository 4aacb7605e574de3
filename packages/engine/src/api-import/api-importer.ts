import {
  type Clock,
  classifyError,
  groupResourceString,
  type KubeClient,
  type KubeObject,
  type Logger,
  NOOP_LOGGER,
  SYNC_TARGET,
  SYNC_TARGET_GVR,
  SYSTEM_CLOCK,
  type SyncTarget,
  type SyncTargetRef,
  type TimerHandle,
  TmcErrorType,
} from '@kcp-tmc/interfaces';
import { Backoff } from '@kcp-tmc/kube';
import { inject, injectable } from 'tsyringe';
import { EngineSettings } from '../engine-parts.js';
import { API_IMPORT_OPTIONS, API_IMPORT_UPSTREAM_CLIENT, SIDE_DOWNSTREAM_CLIENT } from '../tokens.js';

import {
  API_RESOURCE_IMPORTS_GVR,
  importKey,
  locationKey,
  newApiResourceImport,
} from './api-resource-import.js';
import { SchemaPuller } from './schema-puller.js';

export const DEFAULT_API_IMPORT_POLL_INTERVAL_MS = 60_000;

const NO_SETTINGS = { clock: SYSTEM_CLOCK, logger: NOOP_LOGGER };

export interface ApiImportOptions {
  /** `--resources`: `resource.group` names (`deployments.apps`, `services`) to import besides the synced ones. */
  readonly resources?: readonly string[];
  /** `--api-import-poll-interval` (ms; default 1 min). */
  readonly pollIntervalMs?: number;
  /** The SyncTarget's logical cluster on the upstream client (absent: the client's own base). */
  readonly cluster?: string;
}

/** What one round wrote. */
export interface ImportRound {
  readonly created: string[];
  readonly updated: string[];
}

/** Some imports of a round could not be written (each was logged). */
export class ImportWriteError extends Error {
  constructor(
    readonly failed: readonly string[],
    readonly round: ImportRound,
  ) {
    super(`${failed.length} APIResourceImport write(s) failed`);
    this.name = 'ImportWriteError';
  }
}

/**
 * kcp v0.11's API importer (pkg/syncer/apiimporter.go): at start and then every poll interval, pulls the
 * downstream schemas of `--resources` plus the SyncTarget's `status.syncedResources` and creates or updates
 * one APIResourceImport per resource in the SyncTarget's workspace, which kcp turns into the `kubernetes`
 * APIExport when the SyncTarget has no other. A failed round is retried with backoff (1 s doubling, at most
 * the poll interval). `stop()` stops polling and leaves the imports in place: kcp's syncer exits on SIGTERM
 * before its importer's clean-up runs, so a restart keeps the SyncTarget's resources Accepted. Deleting them
 * makes kcp drop the SyncTarget from every Placement and mark all synced objects for deletion.
 */
@injectable()
export class ApiImporter {
  private readonly puller: SchemaPuller;
  private readonly logger: Logger;
  private readonly clock: Clock;
  private readonly intervalMs: number;
  private readonly backoff: Backoff;
  private timer: TimerHandle | undefined;
  private round: Promise<unknown> | undefined;
  private stopping: Promise<void> | undefined;
  private readonly abort = new AbortController();

  constructor(
    /** kcp's base URL: the SyncTarget's workspace is addressed by cluster, never through the syncer VW. */
    @inject(API_IMPORT_UPSTREAM_CLIENT) private readonly upstream: KubeClient,
    /** Discovery and OpenAPI, apart from the workers' rate limiter (see SIDE_DOWNSTREAM_CLIENT). */
    @inject(SIDE_DOWNSTREAM_CLIENT) downstream: KubeClient,
    @inject(SYNC_TARGET) private readonly syncTarget: SyncTargetRef,
    @inject(API_IMPORT_OPTIONS) private readonly options: ApiImportOptions,
    /** The engine's clock and logger; built by hand, the system clock and no logging. */
    @inject(EngineSettings) settings: Pick<EngineSettings, 'clock' | 'logger'> = NO_SETTINGS,
  ) {
    this.clock = settings.clock;
    this.logger = settings.logger.child({ component: 'api-importer' });
    this.puller = new SchemaPuller(downstream, this.logger);
    this.intervalMs = options.pollIntervalMs ?? DEFAULT_API_IMPORT_POLL_INTERVAL_MS;
    this.backoff = new Backoff({ initialMs: 1_000, maxMs: Math.max(1_000, this.intervalMs), jitter: 0.1 });
  }

  /** Imports now, then every poll interval, until `stop()`. */
  start(): void {
    if (this.timer !== undefined || this.round !== undefined || this.abort.signal.aborted) return;
    this.logger.info('starting API importer', {
      resources: this.options.resources ?? [],
      pollIntervalMs: this.intervalMs,
    });
    this.tick();
  }

  /** One round: read the SyncTarget, pull the schemas, create or update the imports. */
  async importOnce(): Promise<ImportRound> {
    const scope = this.scope();
    const syncTarget = (await this.upstream.get(
      SYNC_TARGET_GVR,
      { name: this.syncTarget.name, ...scope },
      { signal: this.abort.signal },
    )) as SyncTarget;
    const uid = syncTarget.metadata.uid ?? '';
    if (this.syncTarget.uid !== '' && uid !== this.syncTarget.uid) {
      throw new Error(`SyncTarget uid is ${uid}, expected ${this.syncTarget.uid}: not importing`);
    }
    const names = new Set(this.options.resources ?? []);
    for (const synced of syncTarget.status?.syncedResources ?? [])
      names.add(groupResourceString({ group: synced.group ?? '', resource: synced.resource }));
    const round: ImportRound = { created: [], updated: [] };
    if (names.size === 0) return round;
    const wanted = [...names].sort();
    this.logger.debug('importing APIs', { resources: wanted }, 2);
    const pulled = await this.puller.pull(wanted, this.abort.signal);
    const existing = await this.listImports();
    const failed: string[] = [];
    for (const resource of pulled.values()) {
      const key = locationKey(this.syncTarget.name, resource.group, resource.version, resource.names.plural);
      const matches = existing.filter((object) => importKey(object) === key);
      if (matches.length > 1) {
        this.logger.error('there should be only one APIResourceImport for the resource', {
          key,
          count: matches.length,
        });
        continue;
      }
      const current = matches[0];
      try {
        if (current !== undefined) {
          const next = {
            ...current,
            spec: { ...(current.spec as object), openAPIV3Schema: resource.schema },
          };
          await this.upstream.update(API_RESOURCE_IMPORTS_GVR, next, scope, { signal: this.abort.signal });
          round.updated.push(current.metadata.name ?? '');
        } else {
          const object = newApiResourceImport(this.syncTarget, uid, resource);
          this.logger.info('creating APIResourceImport', { name: object.metadata.name });
          await this.upstream.create(API_RESOURCE_IMPORTS_GVR, object, scope, { signal: this.abort.signal });
          round.created.push(object.metadata.name ?? '');
        }
      } catch (err) {
        this.reportWriteError(err, current === undefined ? 'create' : 'update');
        failed.push(key);
      }
    }
    // The others are written; the round still counts as failed, so it is retried with backoff.
    if (failed.length > 0) throw new ImportWriteError(failed, round);
    return round;
  }

  /**
   * Stops polling and waits out the round in flight; the imports stay. kcp v0.11's APIImporter.Stop would
   * delete them, but cmd/syncer returns as soon as the signal context is done, so the Go syncer exits first
   * (measured on real kcp: the imports survive its SIGTERM). Were they deleted, kcp would take the bound
   * resources off `syncedResources`, unschedule the SyncTarget's Placements and set
   * `deletion.internal.workload.kcp.io/<key>` on every synced object: a restart would delete and recreate
   * everything downstream. Idempotent.
   */
  stop(): Promise<void> {
    this.stopping ??= this.shutdown();
    return this.stopping;
  }

  private async shutdown(): Promise<void> {
    this.abort.abort(new Error('API importer stopping'));
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    await this.round?.catch(() => {});
    this.logger.info('stopping API importer; its APIResourceImports stay for the next start');
  }

  private tick(): void {
    this.timer = undefined;
    if (this.abort.signal.aborted) return;
    const round = this.importOnce().then(
      () => {
        this.backoff.reset();
        return this.intervalMs;
      },
      (err: unknown) => {
        if (this.abort.signal.aborted) return undefined;
        if (!(err instanceof ImportWriteError)) {
          const error = classifyError(err, 'API import');
          if (error.type === TmcErrorType.Forbidden) this.logForbidden(error.message);
          else this.logger.error('API import failed', { error: error.message });
        }
        return Math.min(this.intervalMs, this.backoff.next());
      },
    );
    this.round = round;
    void round.then((delayMs) => {
      this.round = undefined;
      if (delayMs === undefined || this.abort.signal.aborted) return;
      this.timer = this.clock.setTimeout(() => this.tick(), delayMs);
    });
  }

  private async listImports(): Promise<KubeObject[]> {
    const list = await this.upstream.list(API_RESOURCE_IMPORTS_GVR, this.scope(), {
      signal: this.abort.signal,
    });
    return list.items;
  }

  private scope(): { cluster?: string } {
    return this.options.cluster === undefined ? {} : { cluster: this.options.cluster };
  }

  private reportWriteError(err: unknown, verb: string): void {
    const error = classifyError(err, `${verb} APIResourceImport`);
    if (error.type === TmcErrorType.Forbidden) this.logForbidden(error.message);
    else this.logger.error(`error on ${verb} of APIResourceImport`, { error: error.message });
  }

  private logForbidden(message: string): void {
    this.logger.error(
      'API import forbidden: the syncer needs get, list, create, update and delete on apiresourceimports.apiresource.kcp.io and get on its SyncTarget in the SyncTarget workspace (upstream), and get on customresourcedefinitions.apiextensions.k8s.io plus discovery and /openapi/v2 on the downstream; `kubectl kcp workload sync` grants these',
      { error: message, workspace: this.options.cluster },
    );
  }
}
