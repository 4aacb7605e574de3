import { ConflictKind } from '@kcp-tmc/conflict';
import {
  type ApplyRequest,
  type ApplyStrategy,
  type ConflictResolverRegistry,
  cloneJson,
  DOWNSTREAM_CLUSTER_LABEL,
  type DownstreamConfig,
  type GVR,
  gvrToString,
  type KubeClient,
  type KubeObject,
  type Logger,
  namespaceLocator,
  type ResourceState,
  type ResourceStateStore,
  type SyncResult,
  type SyncTargetRef,
  TmcError,
  TmcErrorType,
} from '@kcp-tmc/interfaces';
import { DEFAULT_MAX_OBJECT_BYTES } from '../constants.js';
import { decide, desiredHash } from '../diff/differ.js';
import { type DnsEnsurer, holdForDns } from '../dns/hold.js';
import { type LiveReader, readLive } from '../live/live-reader.js';
import type { NamespaceEnsurer } from '../namespace/ensure-namespace.js';
import type { RetentionRegistry } from '../retain/registry.js';
import { rememberApplied } from '../state/remember.js';
import type { UpstreamWriter } from '../upstream.js';
import { isImmutableChange } from './immutable.js';
import { notOurs } from './ownership.js';
import { failure, result, upstreamSpecOf } from './results.js';
import { createObject, type WriteTarget } from './strategies.js';
import { writeUpdate } from './write-update.js';

export interface ApplierParts {
  readonly client: KubeClient;
  readonly config: DownstreamConfig;
  readonly syncTarget: SyncTargetRef;
  readonly retention: RetentionRegistry;
  readonly states: ResourceStateStore;
  readonly namespaces: NamespaceEnsurer;
  readonly upstream: UpstreamWriter;
  readonly live: LiveReader;
  readonly resolvers: ConflictResolverRegistry;
  readonly logger: Logger;
  /** kcp's per-workspace DNS, when on: ensured for every object, Deployments held until it is ready. */
  readonly dns?: DnsEnsurer;
  readonly maxObjectBytes?: number;
}

/** One apply in progress: the desired object (ours to change) and what we remember of the key. */
interface Pending {
  readonly request: ApplyRequest;
  readonly desired: KubeObject;
  readonly namespace: string;
  readonly name: string;
  readonly strategy: ApplyStrategy;
  readonly hash: string;
  readonly stored: ResourceState | undefined;
  readonly target: WriteTarget;
}

/**
 * The spec path for one object: namespace, read, ownership, retention, diff, finalizer, write by strategy,
 * conflicts, state. One downstream request per new object: ownership comes from the cache of our labelled
 * objects, and a create cannot take over an object someone else made (AlreadyExists says the rest).
 */
export class Applier {
  constructor(private readonly parts: ApplierParts) {}

  strategyFor(gvr: GVR): ApplyStrategy {
    return this.parts.config.strategies[gvrToString(gvr)] ?? this.parts.config.defaultStrategy;
  }

  async apply(request: ApplyRequest): Promise<SyncResult> {
    const { parts } = this;
    // kube types list items (apiVersion/kind) as client-go's dynamic client does, so the desired object
    // carries both whether it came from a list or a watch event.
    const desired = parts.retention.clear(request.desired);
    const name = desired.metadata.name;
    if (name === undefined || name === '') {
      return failure(
        request,
        new TmcError({ type: TmcErrorType.Invalid, message: 'desired object has no name' }),
      );
    }
    const namespace = desired.metadata.namespace ?? '';
    desired.metadata.labels = {
      ...desired.metadata.labels,
      [DOWNSTREAM_CLUSTER_LABEL]: parts.syncTarget.key,
    };
    const refused = (await this.oversized(request, desired)) ?? (await this.admit(request, namespace));
    if (refused !== undefined) return refused;
    const gvr = request.item.key.gvr;
    const strategy = this.strategyFor(gvr);
    return this.write({
      request,
      desired,
      namespace,
      name,
      strategy,
      hash: desiredHash(desired, parts.config.ignoreFields),
      stored: parts.states.get(request.item.key),
      target: { client: parts.client, gvr, fieldManager: parts.config.fieldManager },
    });
  }

  /** A failure (reported upstream) when the object is over the size limit. */
  private async oversized(request: ApplyRequest, desired: KubeObject): Promise<SyncResult | undefined> {
    const size = Buffer.byteLength(JSON.stringify(desired));
    const limit = this.parts.maxObjectBytes ?? DEFAULT_MAX_OBJECT_BYTES;
    if (size <= limit) return undefined;
    const { metadata } = desired;
    const error = new TmcError({
      type: TmcErrorType.Invalid,
      message: `${gvrToString(request.item.key.gvr)} ${metadata.namespace ?? ''}/${metadata.name} is ${size} bytes, over the ${limit}-byte limit`,
      retryable: false,
    });
    const conflict = { kind: ConflictKind.SizeLimit, message: error.message };
    await this.parts.upstream.reportConflict(request.item.key, request.upstream, [conflict]);
    return failure(request, error, [conflict]);
  }

  /** The downstream namespace ensured and the DNS hold passed; otherwise the result that stops the apply. */
  private async admit(request: ApplyRequest, namespace: string): Promise<SyncResult | undefined> {
    const { parts } = this;
    const { key } = request.item;
    try {
      if (namespace !== '') {
        await parts.namespaces.ensure(
          namespace,
          namespaceLocator(key.cluster, parts.syncTarget, key.namespace),
        );
      }
    } catch (err) {
      if (err instanceof TmcError && err.reason === 'NamespaceCollision') {
        const conflict = { kind: ConflictKind.NamespaceCollision, message: err.message };
        if (request.item.retries === 0)
          await parts.upstream.reportConflict(key, request.upstream, [conflict]);
        return failure(request, err, [conflict]);
      }
      throw err;
    }
    return holdForDns(parts.dns, request, parts.syncTarget);
  }

  private async write(p: Pending): Promise<SyncResult> {
    const { parts } = this;
    const { request, strategy, stored } = p;
    const live = await this.readLive(p);
    if (live !== undefined) {
      const refused = this.refuse(request, live);
      if (refused !== undefined) return refused;
    }
    const retained =
      live === undefined
        ? p.desired
        : parts.retention.retain(p.target.gvr, p.desired, live, stored?.lastApplied);
    const decision = decide({
      desired: retained,
      hash: p.hash,
      live,
      storedHash: stored?.hash,
      ...(stored === undefined ? {} : { storedResourceVersion: stored.resourceVersion }),
      ignoreFields: parts.config.ignoreFields,
      ...(strategy === 'server-side-apply' ? { fieldManager: parts.config.fieldManager } : {}),
    });
    if (decision.action === 'noop' && live !== undefined) return this.unchanged(p, live);
    if (strategy === 'read-only') {
      return result(request, {
        operation: 'noop',
        success: true,
        reason: 'read-only: never written downstream',
      });
    }
    if (strategy === 'create-only' && live !== undefined) {
      rememberApplied(parts.states, request, live, p.hash, p.desired);
      return result(request, {
        operation: 'noop',
        success: true,
        object: live,
        reason: 'create-only: exists',
      });
    }
    // kcp's order (pkg/syncer/spec/spec_process.go: ensureSyncerFinalizer, then applyToDownstream in the next
    // reconcile): our finalizer is on the upstream object before anything exists downstream.
    if (request.upstream.metadata.deletionTimestamp === undefined) {
      await parts.upstream.ensureFinalizer(request.item.key, request.upstream);
    }
    const body = cloneJson(retained);
    const current = live !== undefined && isImmutableChange(body, live) ? await this.replace(p, live) : live;
    if (current === undefined) return this.create(p, body);
    const why = decision.action === 'update' ? decision.why : undefined;
    return writeUpdate(parts, { ...this.update(p, body, current), why });
  }

  /** A failed result when `live` is not ours or is going away; undefined when we may write it. */
  private refuse(request: ApplyRequest, live: KubeObject): SyncResult | undefined {
    const refused = notOurs(this.ownership(), request, live);
    if (refused !== undefined || live.metadata.deletionTimestamp === undefined) return refused;
    return failure(
      request,
      new TmcError({
        type: TmcErrorType.ResourceConflict,
        message: `downstream ${live.metadata.name} is being deleted`,
        retryAfterMs: 1000,
      }),
    );
  }

  private ownership() {
    const { syncTarget, config, upstream } = this.parts;
    return { syncTargetKey: syncTarget.key, adoptExisting: config.adoptExisting, upstream };
  }

  private unchanged(p: Pending, live: KubeObject): SyncResult {
    const { stored, request } = p;
    if (
      stored === undefined ||
      stored.resourceVersion !== live.metadata.resourceVersion ||
      stored.upstreamSpec !== upstreamSpecOf(request.upstream)
    ) {
      rememberApplied(this.parts.states, request, live, p.hash, p.desired);
    }
    return result(request, { operation: 'noop', success: true, object: live, reason: 'unchanged' });
  }

  /** Immutable ConfigMaps/Secrets cannot change: deleted to be created again (the uid spares a newer copy). */
  private async replace(p: Pending, live: KubeObject): Promise<undefined> {
    await this.parts.client.delete(
      p.target.gvr,
      { name: p.name, ...(p.namespace === '' ? {} : { namespace: p.namespace }) },
      { preconditions: { uid: live.metadata.uid as string } },
    );
    return undefined;
  }

  private async create(p: Pending, body: KubeObject): Promise<SyncResult> {
    const { parts } = this;
    const { request } = p;
    try {
      const created = await createObject(p.target, body);
      rememberApplied(parts.states, request, created, p.hash, p.desired);
      return result(request, { operation: 'create', success: true, object: created });
    } catch (err) {
      if (!(err instanceof TmcError && err.type === TmcErrorType.AlreadyExists)) throw err;
      // A create race or an object our cache does not show (not ours): read it and go round once more.
      const live = await parts.live.get(p.target.gvr, p.namespace, p.name);
      if (live === undefined) throw err;
      const refused = notOurs(this.ownership(), request, live);
      if (refused !== undefined) return refused;
      const retained = parts.retention.retain(p.target.gvr, p.desired, live, p.stored?.lastApplied);
      return writeUpdate(parts, this.update(p, retained, live));
    }
  }

  private update(p: Pending, body: KubeObject, live: KubeObject) {
    const { request, target, strategy, hash, desired } = p;
    return { request, target, strategy, body, live, hash, desired, lastApplied: p.stored?.lastApplied };
  }

  private readLive(p: Pending): Promise<KubeObject | undefined> {
    // Absent from a synced cache of our objects: create (AlreadyExists tells us of one that is not ours).
    return readLive(this.parts.live, p.target.gvr, p.namespace, p.name, p.stored !== undefined);
  }
}
