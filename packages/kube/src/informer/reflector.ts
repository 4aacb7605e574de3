import {
  type Clock,
  classifyError,
  classifyHttpError,
  type GVR,
  gvrToString,
  type KubeClient,
  type KubeObject,
  type KubeStatus,
  type Logger,
  type ObjectScope,
  type TimerHandle,
  TmcError,
  TmcErrorType,
} from '@kcp-tmc/interfaces';
import { Backoff, type BackoffOptions } from '../flowcontrol/backoff.js';
import { capUnreachable } from '../http/retry.js';

/** Where a reflector delivers what it learns. */
export interface ReflectorSink {
  /** A full list: the cache becomes exactly these objects. */
  replace(items: KubeObject[], resourceVersion: string): void;
  /** One watch event. */
  apply(type: 'ADDED' | 'MODIFIED' | 'DELETED', object: KubeObject): void;
}

export interface ReflectorOptions {
  gvr: GVR;
  scope: ObjectScope;
  labelSelector?: string | undefined;
  fieldSelector?: string | undefined;
  /** List page size. Default 500, as client-go. */
  pageSize: number;
  backoff: BackoffOptions;
  /** No event (bookmarks included) for this long means the watch is stuck: restart it (ms). */
  staleAfterMs: number;
  /** Server-side watch timeout, randomized in [min, max] seconds so informers do not reconnect together. */
  watchTimeoutSeconds: { min: number; max: number };
  clock: Clock;
  logger: Logger;
  random?: () => number;
}

/** Counters, for health checks and tests. */
export interface ReflectorStats {
  lists: number;
  watches: number;
  /** Watches restarted by the staleness watchdog. */
  staleRestarts: number;
  /** Relists forced by 410 Gone. */
  goneRelists: number;
  /** Failed list or watch attempts (each followed by a backoff). */
  failures: number;
  lastResourceVersion: string;
  lastError: TmcError | undefined;
}

// A watch that ends this fast with nothing in it is treated as a failure, or a server closing watches at once
// would turn us into a tight loop.
const SHORT_WATCH_MS = 1000;

/**
 * The list+watch loop of one informer: list (paged; from the server's cache unless after a 410), then watch from
 * the list's resourceVersion with bookmarks; resume from the last seen resourceVersion when a watch ends or
 * breaks; relist on 410 Gone; back off on every other error; restart a watch that has gone silent for
 * `staleAfterMs`.
 */
export class Reflector {
  readonly stats: ReflectorStats = {
    lists: 0,
    watches: 0,
    staleRestarts: 0,
    goneRelists: 0,
    failures: 0,
    lastResourceVersion: '',
    lastError: undefined,
  };
  private readonly backoff: Backoff;
  private readonly random: () => number;
  private readonly what: string;
  /**
   * Whether the next list must be a consistent read: after a 410, where only the latest state can say what
   * changed. Otherwise a list takes any version the server has cached (`resourceVersion=0`), as client-go's
   * reflector does: the server answers from its watch cache, not from etcd page by page. The watch that follows
   * starts from the list's version, so nothing after it is missed.
   */
  private consistentList = false;

  constructor(
    private readonly client: KubeClient,
    private readonly sink: ReflectorSink,
    private readonly options: ReflectorOptions,
  ) {
    this.random = options.random ?? Math.random;
    this.backoff = new Backoff(options.backoff, this.random);
    this.what = gvrToString(options.gvr);
  }

  /** Runs until the signal aborts. Never rejects. */
  async run(signal: AbortSignal): Promise<void> {
    let rv = '';
    let goneInARow = 0;
    while (!signal.aborted) {
      try {
        if (rv === '') {
          rv = await this.list(signal);
          this.backoff.reset();
          this.recovered();
        }
        const watched = await this.watch(rv, signal);
        if (watched.events > 0) goneInARow = 0;
        rv = watched.rv;
      } catch (err) {
        if (signal.aborted) break;
        const error = classifyError(err, `${this.what} list/watch`);
        if (error.type === TmcErrorType.Gone) {
          // Our resourceVersion left the server's history: only a fresh list can tell what changed.
          this.stats.goneRelists++;
          this.consistentList = true;
          this.options.logger.info('resourceVersion expired, relisting', { resource: this.what, rv });
          rv = '';
          // A server that answers every fresh list's resourceVersion with 410 must not make us spin.
          if (++goneInARow > 1) await this.pause(this.backoff.next(), signal);
          continue;
        }
        const repeated = this.stats.lastError?.message === error.message;
        this.stats.failures++;
        this.stats.lastError = error;
        const delay = Math.max(capUnreachable(this.backoff.next(), error), error.retryAfterMs ?? 0);
        // One warning per cause; the same cause again, every backoff, only at debug level.
        const fields = { resource: this.what, error: error.message, type: error.type, delayMs: delay };
        if (repeated) this.options.logger.debug('list/watch still failing, backing off', fields, 4);
        else this.options.logger.warn('list/watch failed, backing off', fields);
        await this.pause(delay, signal);
      }
    }
  }

  private recovered(): void {
    const error = this.stats.lastError;
    if (error === undefined) return;
    this.stats.lastError = undefined;
    this.options.logger.info('list/watch recovered', { resource: this.what, after: error.message });
  }

  private async list(signal: AbortSignal): Promise<string> {
    this.stats.lists++;
    const list = await this.client.list(this.options.gvr, this.options.scope, {
      ...selectors(this.options),
      limit: this.options.pageSize,
      ...(this.consistentList ? {} : { resourceVersion: '0' }),
      // The reflector backs off itself: a retry sleeping inside the client would delay the list after a heal.
      maxRetries: 0,
      signal,
    });
    const rv = list.metadata.resourceVersion ?? '';
    this.consistentList = false;
    this.sink.replace(list.items, rv);
    this.stats.lastResourceVersion = rv;
    return rv;
  }

  /** One watch; returns the resourceVersion to resume from and how many events it brought. */
  private async watch(from: string, outer: AbortSignal): Promise<{ rv: string; events: number }> {
    // Stopped between list and watch: an abort listener added now would never fire.
    if (outer.aborted) return { rv: from, events: 0 };
    this.stats.watches++;
    const controller = new AbortController();
    const onOuterAbort = (): void => controller.abort(outer.reason);
    outer.addEventListener('abort', onOuterAbort, { once: true });
    const { clock, staleAfterMs, watchTimeoutSeconds } = this.options;
    let stale = false;
    let watchdog: TimerHandle | undefined;
    const arm = (): void => {
      if (watchdog !== undefined) clock.clearTimeout(watchdog);
      watchdog = clock.setTimeout(() => {
        stale = true;
        controller.abort(new Error('watch went stale'));
      }, staleAfterMs);
    };
    const started = clock.now();
    let rv = from;
    let events = 0;
    try {
      arm();
      const span = watchTimeoutSeconds.max - watchTimeoutSeconds.min;
      const stream = this.client.watch(this.options.gvr, this.options.scope, {
        ...selectors(this.options),
        resourceVersion: from,
        allowWatchBookmarks: true,
        timeoutSeconds: Math.round(watchTimeoutSeconds.min + span * this.random()),
        signal: controller.signal,
      });
      try {
        for await (const event of stream) {
          arm();
          events++;
          if (event.type === 'ERROR') throw statusError(event.object as KubeStatus, this.what);
          const object = event.object as KubeObject;
          const next = object.metadata?.resourceVersion;
          if (event.type !== 'BOOKMARK') this.sink.apply(event.type, object);
          if (next !== undefined && next !== '') rv = next;
          this.stats.lastResourceVersion = rv;
          // A working watch clears the failure streak.
          if (events === 1) {
            this.backoff.reset();
            this.recovered();
          }
        }
      } catch (err) {
        // The watchdog's abort surfaces as an error when it cut the request before the headers came.
        if (!stale || outer.aborted) throw err;
      }
    } finally {
      if (watchdog !== undefined) clock.clearTimeout(watchdog);
      outer.removeEventListener('abort', onOuterAbort);
    }
    if (stale && !outer.aborted) {
      this.stats.staleRestarts++;
      this.options.logger.info('watch went stale, restarting it', { resource: this.what, rv });
      return { rv, events };
    }
    if (events === 0 && clock.now() - started < SHORT_WATCH_MS && !outer.aborted) {
      throw new TmcError({
        type: TmcErrorType.ClusterUnreachable,
        message: `watch of ${this.what} ended at once without events`,
      });
    }
    return { rv, events };
  }

  private pause(ms: number, signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      if (signal.aborted) {
        resolve();
        return;
      }
      const done = (): void => {
        this.options.clock.clearTimeout(handle);
        signal.removeEventListener('abort', done);
        resolve();
      };
      const handle = this.options.clock.setTimeout(done, ms);
      signal.addEventListener('abort', done, { once: true });
    });
  }
}

function selectors(options: ReflectorOptions): { labelSelector?: string; fieldSelector?: string } {
  const out: { labelSelector?: string; fieldSelector?: string } = {};
  if (options.labelSelector !== undefined) out.labelSelector = options.labelSelector;
  if (options.fieldSelector !== undefined) out.fieldSelector = options.fieldSelector;
  return out;
}

/** An in-stream ERROR event carries a Status; 410 there means the same as an HTTP 410. */
function statusError(status: KubeStatus, what: string): TmcError {
  return classifyHttpError({ status: status.code ?? 500, body: status, operation: `WATCH ${what}` });
}
