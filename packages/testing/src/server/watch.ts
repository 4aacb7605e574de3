import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ObjectFilter } from '../api/list.js';
import { grKey, groupVersion } from '../api/resource-type.js';
import { expired } from '../api/status.js';
import { buildTable, type TableConvertor, type TableOptions } from '../api/table/convert.js';
import type { Target } from '../api/target.js';
import type { KubeObject } from '../api/types.js';
import type { ChangeEvent, ObjectStore } from '../store/store.js';
import { watchContentType, watchFrame } from './protobuf-io.js';

export interface WatchParams {
  target: Target;
  filter: ObjectFilter;
  /** The resourceVersion to resume after; undefined or "0" starts with the current state. */
  resourceVersion: string | undefined;
  allowBookmarks: boolean;
  sendInitialEvents: boolean | undefined;
  timeoutSeconds: number | undefined;
  /** How often bookmarks are sent (kube-apiserver: about once a minute). */
  bookmarkIntervalMs: number;
  /** Events carry one-row Tables (`kubectl get -w`): column definitions in the first only. */
  table?: { options: TableOptions; convertor: TableConvertor } | undefined;
}

// A store commit reaches every watcher synchronously, one after the other: a single-slot cache lets them
// share one serialization of the event without keeping any serialized copy once the next event comes.
let lastObject: KubeObject | undefined;
let lastKey = '';
let lastLine = '';

function serializeEvent(type: string, object: KubeObject, apiVersion: string): string {
  const key = `${type} ${apiVersion}`;
  if (object === lastObject && key === lastKey) return lastLine;
  const obj = object.apiVersion === apiVersion ? object : { ...object, apiVersion };
  const line = `{"type":"${type}","object":${JSON.stringify(obj)}}\n`;
  // Only frozen store objects can be shared; transient copies (selector transitions) are not cached.
  if (Object.isFrozen(object)) {
    lastObject = object;
    lastKey = key;
    lastLine = line;
  }
  return line;
}

/** Output buffered for a slow watcher beyond which the server drops it, as kube-apiserver does. */
const MAX_BUFFERED_BYTES = 16 * 1024 * 1024;
export const INITIAL_EVENTS_END = 'k8s.io/initial-events-end';

/** Active watch streams, so faults can drop them all at once. */
export class WatchRegistry {
  private readonly sessions = new Set<WatchSession>();

  add(s: WatchSession): void {
    this.sessions.add(s);
  }

  delete(s: WatchSession): void {
    this.sessions.delete(s);
  }

  get size(): number {
    return this.sessions.size;
  }

  dropAll(): number {
    const n = this.sessions.size;
    for (const s of [...this.sessions]) s.close();
    return n;
  }
}

/** One chunked watch response: `{"type":...,"object":...}` JSON lines. */
export class WatchSession {
  private unsubscribe: (() => void) | undefined;
  private readonly timers: NodeJS.Timeout[] = [];
  private closed = false;
  private headersSent = false;
  private readonly apiVersion: string;

  constructor(
    private readonly req: IncomingMessage,
    private readonly res: ServerResponse,
    private readonly store: ObjectStore,
    private readonly params: WatchParams,
    private readonly registry: WatchRegistry,
  ) {
    this.apiVersion = groupVersion(params.target.rt.group, params.target.version);
  }

  start(): void {
    const { target, resourceVersion } = this.params;
    const gr = grKey(target.rt);
    this.res.writeHead(200, {
      'content-type': watchContentType(this.res),
      'cache-control': 'no-cache, private',
      'transfer-encoding': 'chunked',
    });
    // Send headers now: clients wait for them before reading events.
    this.res.flushHeaders();
    this.registry.add(this);
    this.req.on('close', () => this.close());
    this.res.on('close', () => this.close());
    this.res.on('error', () => this.close());

    const fromState =
      resourceVersion === undefined ||
      resourceVersion === '' ||
      resourceVersion === '0' ||
      this.params.sendInitialEvents === true;
    if (fromState && this.params.sendInitialEvents !== false) {
      for (const { cluster, object } of this.store.list(target.cluster, gr, target.namespace)) {
        if (this.passes(cluster, object)) this.write('ADDED', object);
      }
      if (this.params.sendInitialEvents === true && this.params.allowBookmarks) {
        this.writeBookmark({ [INITIAL_EVENTS_END]: 'true' });
      }
    } else if (!fromState) {
      const rv = Number(resourceVersion);
      const changes = Number.isInteger(rv) ? this.store.changesSince(gr, rv) : undefined;
      if (!changes) {
        const status = expired(
          `too old resource version: ${resourceVersion} (${this.store.oldestAvailable(gr)})`,
        ).toStatus();
        this.res.end(watchFrame(this.res, `${JSON.stringify({ type: 'ERROR', object: status })}\n`));
        this.close();
        return;
      }
      for (const e of changes) this.deliver(e);
    }
    this.unsubscribe = this.store.subscribe(gr, {
      cluster: target.cluster,
      namespace: target.rt.namespaced ? target.namespace : undefined,
      deliver: (e) => this.deliver(e),
    });
    this.scheduleTimers();
  }

  private scheduleTimers(): void {
    const { timeoutSeconds, allowBookmarks, bookmarkIntervalMs } = this.params;
    if (timeoutSeconds !== undefined && timeoutSeconds > 0) {
      this.timers.push(setTimeout(() => this.close(), timeoutSeconds * 1000));
    }
    if (allowBookmarks) {
      // Like the watch cache: a bookmark every interval, and one shortly before the request times out.
      let first = bookmarkIntervalMs;
      if (timeoutSeconds !== undefined && timeoutSeconds > 0) {
        const beforeTimeout = timeoutSeconds * 1000 - 2000;
        if (beforeTimeout <= 0) return;
        if (beforeTimeout < first) first = beforeTimeout;
      }
      const tick = () => {
        if (this.closed) return;
        this.writeBookmark();
        this.timers.push(setTimeout(tick, bookmarkIntervalMs));
      };
      this.timers.push(setTimeout(tick, first));
    }
  }

  private passes(cluster: string, object: KubeObject): boolean {
    if (!this.params.filter.matches(object)) return false;
    const visible = this.params.target.visible;
    return visible === undefined || visible(cluster, object);
  }

  private deliver(e: ChangeEvent): void {
    if (this.closed) return;
    const { target } = this.params;
    if (target.cluster !== '*' && e.cluster !== target.cluster) return;
    if (
      target.rt.namespaced &&
      target.namespace !== undefined &&
      (e.object.metadata.namespace ?? '') !== target.namespace
    )
      return;
    const cur = this.passes(e.cluster, e.object);
    if (e.type === 'ADDED') {
      if (cur) this.write('ADDED', e.object);
    } else if (e.type === 'DELETED') {
      if (cur) this.write('DELETED', e.object);
    } else {
      const prev = e.previous !== undefined && this.passes(e.cluster, e.previous);
      if (cur && prev) this.write('MODIFIED', e.object);
      else if (cur) this.write('ADDED', e.object);
      else if (prev) {
        // Leaving the selection: DELETED with the previous content at this event's resourceVersion.
        const old = e.previous!;
        this.write('DELETED', { ...old, metadata: { ...old.metadata, resourceVersion: String(e.rv) } });
      }
    }
  }

  private write(type: string, object: KubeObject): void {
    const view = this.params.target.view;
    const shown = view ? view.read(object) : object;
    const table = this.params.table;
    if (!table) {
      this.send(serializeEvent(type, shown, this.apiVersion));
      return;
    }
    const obj = shown.apiVersion === this.apiVersion ? shown : { ...shown, apiVersion: this.apiVersion };
    const rv = obj.metadata.resourceVersion;
    const body = buildTable(table.convertor, [obj], rv === undefined ? {} : { resourceVersion: rv }, {
      ...table.options,
      noHeaders: this.headersSent,
    });
    this.headersSent = true;
    this.send(`${JSON.stringify({ type, object: body })}\n`);
  }

  private writeBookmark(annotations?: Record<string, string>): void {
    const metadata: Record<string, unknown> = {
      resourceVersion: String(this.store.resourceVersion),
      creationTimestamp: null,
    };
    if (annotations) metadata.annotations = annotations;
    this.send(
      `${JSON.stringify({ type: 'BOOKMARK', object: { kind: this.params.target.rt.kind, apiVersion: this.apiVersion, metadata } })}\n`,
    );
  }

  private send(line: string): void {
    if (this.closed || this.res.destroyed) return;
    this.res.write(watchFrame(this.res, line));
    if (this.res.writableLength > MAX_BUFFERED_BYTES) this.close();
  }

  /** Ends the stream cleanly (the client sees the response end). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.unsubscribe?.();
    for (const t of this.timers) clearTimeout(t);
    this.registry.delete(this);
    if (!this.res.writableEnded && !this.res.destroyed) this.res.end();
  }
}
