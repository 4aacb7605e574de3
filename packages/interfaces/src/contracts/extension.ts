import type { ClusterKey, SyncDirection } from '../cluster-key.js';
import type { GVR } from '../gvr.js';
import type { NamespaceLocator } from '../kcp/namespace/locator.js';
import type { KubeObject, OwnerReference } from '../object.js';
import type { SyncConflict } from '../sync.js';
import type { SyncTargetRef } from '../synctarget.js';

/** What every extension point knows about the object at hand. */
export interface SyncContext {
  readonly direction: SyncDirection;
  readonly syncTarget: SyncTargetRef;
  /** The upstream logical cluster of the object. */
  readonly cluster: string;
  readonly gvr: GVR;
  readonly key: ClusterKey;
}

/** A transformer's way to say "leave this object alone": reported, not an error. */
export interface TransformSkip {
  readonly skip: true;
  readonly reason: string;
}

export function skipTransform(reason: string): TransformSkip {
  return { skip: true, reason };
}

export function isTransformSkip(value: unknown): value is TransformSkip {
  return typeof value === 'object' && value !== null && (value as { skip?: unknown }).skip === true;
}

export type TransformOutput = KubeObject | TransformSkip;

/**
 * Rewrites an object on its way down (upstream → downstream) or up (downstream → upstream). Receives its own
 * copy and may mutate and return it. Throwing fails the item with TransformFailed (not retried until the object
 * changes).
 */
export interface ResourceTransformer {
  readonly name: string;
  /** Absent means: applies to every object in both directions. */
  shouldTransform?(object: KubeObject, context: SyncContext): boolean;
  transform(object: KubeObject, context: SyncContext): TransformOutput | Promise<TransformOutput>;
}

/** Decides whether an upstream object is synced at all. Filters run in ascending `priority`. */
export interface SyncFilter {
  readonly name: string;
  readonly priority: number;
  shouldSync(object: KubeObject, context: SyncContext): boolean | Promise<boolean>;
  /** Whether a synced object that no longer passes should be deleted downstream (default: yes). */
  shouldDelete?(object: KubeObject, context: SyncContext): boolean | Promise<boolean>;
}

export interface ConflictInput {
  readonly context: SyncContext;
  readonly conflict: SyncConflict;
  /** What we want downstream. */
  readonly desired: KubeObject;
  /** What is downstream now (re-read). */
  readonly existing: KubeObject;
  /** What we applied last time, when known: the base of a three-way merge. */
  readonly lastApplied?: KubeObject;
  /** 1 on the first conflict of this sync. */
  readonly attempt: number;
}

export type ConflictResolution =
  /** Write this object (force: take contested fields). */
  | { readonly action: 'apply'; readonly object: KubeObject; readonly force?: boolean }
  /** Keep what is downstream; the sync counts as done. */
  | { readonly action: 'keep-existing'; readonly reason: string }
  /** Report and wait for the next change. */
  | { readonly action: 'abort'; readonly reason: string };

export interface ConflictResolver {
  /** `upstream-wins`, `downstream-wins`, `three-way-merge`, `abort`, or a custom name. */
  readonly name: string;
  resolve(input: ConflictInput): ConflictResolution | Promise<ConflictResolution>;
}

/** Chooses the conflict resolver for a GVR (the default resolver, overridable per GVR). */
export interface ConflictResolverRegistry {
  resolverFor(gvr: GVR): ConflictResolver;
}

/** Extracts a downstream object's status and merges the statuses several SyncTargets report. */
export interface StatusExtractor {
  readonly name: string;
  appliesTo(gvr: GVR): boolean;
  extract(downstream: KubeObject): unknown;
  /** Merges per-SyncTarget statuses (keyed by SyncTarget key) into the upstream status. */
  merge(statuses: ReadonlyMap<string, unknown>, upstream: KubeObject): unknown;
}

/**
 * Downstream namespaces by their `kcp.io/namespace-locator` annotation, as the downstream namespace informer
 * sees them. The namespace transformer maps namespaces through it in both directions, never by parsing names.
 */
export interface NamespaceLocatorLookup {
  /** The locator of a downstream namespace; undefined when the namespace or its annotation is unknown. */
  locatorOf(
    downstreamNamespace: string,
  ): NamespaceLocator | undefined | Promise<NamespaceLocator | undefined>;
  /** The downstream namespace that already carries this locator, if any (kcp looks it up before naming one). */
  namespaceFor(locator: NamespaceLocator): string | undefined | Promise<string | undefined>;
}

/** Where the downstream copy of an upstream owner is: what an owner reference must point at downstream. */
export interface DownstreamOwner {
  readonly name: string;
  readonly uid: string;
}

/**
 * Finds the downstream copy of an object's upstream owner (same logical cluster; same namespace for a namespaced
 * owner), so the owner-reference transformer can remap the reference instead of dropping it.
 */
export interface OwnerReferenceResolver {
  /** Undefined when the owner is not synced to this SyncTarget (the reference is then dropped). */
  resolve(
    owner: OwnerReference,
    object: KubeObject,
    context: SyncContext,
  ): DownstreamOwner | undefined | Promise<DownstreamOwner | undefined>;
}
