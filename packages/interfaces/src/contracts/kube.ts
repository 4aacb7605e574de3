import type { ClusterKey } from '../cluster-key.js';
import type { GVR } from '../gvr.js';
import type { KubeList, KubeObject, KubeStatus } from '../object.js';

/**
 * Where a request goes. `cluster` is a logical cluster name, `'*'` for a kcp wildcard request, or absent for
 * the client's own base (plain Kubernetes, or a virtual workspace URL that already names the cluster).
 */
export interface ObjectScope {
  cluster?: string;
  /** Absent or `''` for cluster-scoped resources and all-namespace lists. */
  namespace?: string;
}

export interface ObjectRef extends ObjectScope {
  name: string;
}

export interface RequestOptions {
  /** Per-request timeout (ms); the client has a default. */
  timeoutMs?: number;
  signal?: AbortSignal;
  /**
   * Retries of a failed attempt that the client may make on its own (it has a default). A caller that retries
   * on its own cadence (an informer's backoff, the heartbeat's retry interval) asks for 0, so that no backoff
   * sleep inside the client delays its next attempt after the server is back.
   */
  maxRetries?: number;
}

export interface ListOptions extends RequestOptions {
  labelSelector?: string;
  fieldSelector?: string;
  /** Page size; the client follows `continue` until the list is complete unless `singlePage` is set. */
  limit?: number;
  continue?: string;
  singlePage?: boolean;
  resourceVersion?: string;
  resourceVersionMatch?: 'Exact' | 'NotOlderThan';
}

export interface WriteOptions extends RequestOptions {
  fieldManager?: string;
  dryRun?: boolean;
}

export interface RawRequestInit extends RequestOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: string | Uint8Array;
  /** Logical cluster prefix (`/clusters/<name>`), as for typed calls. */
  cluster?: string;
}

export type PatchType = 'merge' | 'json' | 'strategic' | 'apply';

export interface PatchOptions extends WriteOptions {
  /** Server-side apply only: take fields from other managers. */
  force?: boolean;
  /** e.g. `status`. */
  subresource?: string;
}

export interface DeleteOptions extends RequestOptions {
  propagationPolicy?: 'Foreground' | 'Background' | 'Orphan';
  gracePeriodSeconds?: number;
  preconditions?: { uid?: string; resourceVersion?: string };
  dryRun?: boolean;
}

export interface WatchOptions extends RequestOptions {
  resourceVersion?: string;
  labelSelector?: string;
  fieldSelector?: string;
  allowWatchBookmarks?: boolean;
  /** Server-side watch timeout (s). */
  timeoutSeconds?: number;
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';

export interface WatchEvent {
  type: WatchEventType;
  /** The object, or a Status for `ERROR`. */
  object: KubeObject | KubeStatus;
}

/** Result of REST mapping: how to address a kind. */
export interface ResourceMapping {
  gvr: GVR;
  kind: string;
  namespaced: boolean;
  subresources: readonly string[];
  verbs: readonly string[];
}

/**
 * Raw-JSON dynamic client. Objects go out and come back as JSON, untouched; every failure is a TmcError
 * (status, reason, causes, Retry-After).
 */
export interface KubeClient {
  get(gvr: GVR, ref: ObjectRef, options?: RequestOptions): Promise<KubeObject>;
  list(gvr: GVR, scope?: ObjectScope, options?: ListOptions): Promise<KubeList>;
  create(gvr: GVR, object: KubeObject, scope?: ObjectScope, options?: WriteOptions): Promise<KubeObject>;
  update(gvr: GVR, object: KubeObject, scope?: ObjectScope, options?: WriteOptions): Promise<KubeObject>;
  updateStatus(
    gvr: GVR,
    object: KubeObject,
    scope?: ObjectScope,
    options?: WriteOptions,
  ): Promise<KubeObject>;
  patch(
    gvr: GVR,
    ref: ObjectRef,
    type: PatchType,
    patch: unknown,
    options?: PatchOptions,
  ): Promise<KubeObject>;
  /** Resolves with the object (when finalizers keep it) or the server's Status. */
  delete(gvr: GVR, ref: ObjectRef, options?: DeleteOptions): Promise<KubeObject | KubeStatus>;
  /** One watch request; ends when the server ends it, the signal aborts, or on error (thrown). */
  watch(gvr: GVR, scope: ObjectScope, options?: WatchOptions): AsyncIterable<WatchEvent>;
  /**
   * A raw request to a path below the client's base URL (`/api/v1/namespaces/x/pods/y/log?follow=true`), with
   * the client's auth, rate limit and timeout; the body streams. Non-2xx answers resolve too: the caller reads
   * the status (for proxying, e.g. the tunnel).
   */
  request(path: string, init?: RawRequestInit): Promise<Response>;
  /** REST mapping from discovery, cached and refreshed on a miss. */
  mapping(gvr: GVR): Promise<ResourceMapping>;
  mappingForKind(apiVersion: string, kind: string): Promise<ResourceMapping>;
}

export type InformerEventType = 'add' | 'update' | 'delete';

export interface InformerEvent {
  type: InformerEventType;
  key: ClusterKey;
  object: KubeObject;
  /** The previous object on `update` (and on a resync, where it equals `object`). */
  oldObject?: KubeObject;
  /** True when the event comes from a periodic resync rather than a change. */
  resync?: boolean;
}

/** Minimal observable shape (rxjs `Observable` satisfies it), so `interfaces` needs no runtime dependency. */
export interface EventStream<T> {
  subscribe(observer: { next?: (value: T) => void; error?: (err: unknown) => void; complete?: () => void }): {
    unsubscribe(): void;
  };
}

/** Returns the index values of an object (e.g. its namespace, a label value, its locator). */
export type IndexFunc = (object: KubeObject) => readonly string[];

export interface InformerOptions {
  gvr: GVR;
  /** Logical cluster, `'*'` for all, or absent (plain mode / virtual workspace). */
  cluster?: string;
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  /** Re-emit every cached object as an update this often (ms); 0 or absent disables. */
  resyncPeriodMs?: number;
  indexers?: Record<string, IndexFunc>;
}

/** A list+watch cache of one GVR, keyed by ClusterKey, holding one copy of each object. */
export interface Informer {
  readonly gvr: GVR;
  readonly events$: EventStream<InformerEvent>;
  start(): void;
  stop(): Promise<void>;
  hasSynced(): boolean;
  /** Resolves once the initial list is in the cache; rejects when the signal aborts. */
  waitForSync(signal?: AbortSignal): Promise<void>;
  /** Why the last list or watch failed, while none has succeeded since (for "did not sync" messages). */
  lastError?(): string | undefined;
  get(key: ClusterKey): KubeObject | undefined;
  list(): KubeObject[];
  byIndex(indexName: string, value: string): KubeObject[];
}

export interface InformerFactory {
  /**
   * The shared informer for these options (same options, same informer). An options object is read once and
   * may be kept by the factory: change a copy, not one already handed over.
   */
  informerFor(options: InformerOptions): Informer;
  /** Stops and forgets one informer (a GVR removed from the SyncTarget). */
  release(options: InformerOptions): Promise<void>;
  stop(): Promise<void>;
}
