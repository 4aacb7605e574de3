import {
  type ApplyRequest,
  type ApplyStrategy,
  type ConflictResolverRegistry,
  DOWNSTREAM_CLUSTER_LABEL,
  type DownstreamConfig,
  type GVR,
  gvrToString,
  type KubeClient,
  type KubeObject,
  type Logger,
  locatorFromAnnotations,
  namespaceLocator,
  type ResourceStateStore,
  type SyncConflict,
  type SyncResult,
  type SyncTargetRef,
  TmcError,
  TmcErrorType,
} from '@kcp-tmc/interfaces';
import { DEFAULT_MAX_OBJECT_BYTES, isNamespacesGvr } from '../constants.js';
import { canonicalJson } from '../diff/canonical.js';
import { decide, desiredHash, normalizeDesired } from '../diff/differ.js';
import { type DnsEnsurer, holdForDns } from '../dns/hold.js';
import { checkNamespaceLocator, type NamespaceEnsurer } from '../namespace/ensure-namespace.js';
import type { RetentionRegistry } from '../retain/registry.js';
import { upstreamSpecFingerprint } from '../state/spec-fingerprint.js';
import type { UpstreamWriter } from '../upstream.js';
import { writeResolvingConflicts } from './conflicts.js';
import { createObject, updateObject, type WriteTarget } from './strategies.js';

/** Reads the live downstream object: from the cache when it can, from the server when it must. */
export interface LiveReader {
  /** `undefined`: not in a synced cache of our objects; `'unknown'`: no synced cache, ask the server. */
  cached(gvr: GVR, namespace: string, name: string): KubeObject | undefined | 'unknown';
  get(gvr: GVR, namespace: string, name: string): Promise<KubeObject | undefined>;
}

export interface ApplierParts {
  readonly client: KubeClient;
  readonly config: DownstreamConfig;
  readonly syncTarget: SyncTargetRef;
  readonly retention: RetentionRegistry;
  readonly states: ResourceStateStore;
  readonly namespaces: NamespaceEnsurer;
  readonly upstream: UpstreamWriter;
  readonly live: LiveReader;
  readonly resolvers: ConflictResolverRegistry | undefined;
  readonly logger: Logger;
  /** kcp's per-workspace DNS, when on: ensured for every object, Deployments held until it is ready. */
  readonly dns?: DnsEnsurer;
  readonly maxObjectBytes?: number;
}

function result(
  request: ApplyRequest,
  partial: Omit<SyncResult, 'key' | 'conflicts'> & { conflicts?: readonly SyncConflict[] },
): SyncResult {
  return { key: request.item.key, conflicts: [], ...partial };
}

function failure(
  request: ApplyRequest,
  error: TmcError,
  conflicts: readonly SyncConflict[] = [],
): SyncResult {
  return result(request, { operation: 'noop', success: false, error, conflicts });
}

/** The upstream spec's fingerprint, for kinds that keep a generation (those have an observedGeneration). */
function upstreamSpecOf(upstream: KubeObject): string | undefined {
  return typeof upstream.metadata.generation === 'number'
    ? upstreamSpecFingerprint(upstream.spec)
    : undefined;
}

function isImmutableChange(desired: KubeObject, live: KubeObject): boolean {
  if (live.immutable !== true) return false;
  if (live.kind !== 'ConfigMap' && live.kind !== 'Secret') return false;
  const want = normalizeDesired(desired) as Record<string, unknown>;
  // Secrets: `stringData` is folded into `data` by the server; compare in that form.
  const liveData: Record<string, unknown> = { ...(live.data as object) };
  const wantData: Record<string, unknown> = { ...(want.data as object) };
  for (const [k, v] of Object.entries((want.stringData as Record<string, string>) ?? {})) {
    wantData[k] = Buffer.from(v, 'utf8').toString('base64');
  }
  if (canonicalJson(liveData) !== canonicalJson(wantData)) return true;
  if (canonicalJson(live.binaryData ?? {}) !== canonicalJson(want.binaryData ?? {})) return true;
  return want.immutable !== true;
}

/**
 * The spec path for one object: namespace, read, ownership, retention, diff, finalizer, write by strategy,
 * conflicts, state.
 */
export class Applier {
  constructor(private readonly parts: ApplierParts) {}

  strategyFor(gvr: GVR): ApplyStrategy {
    return this.parts.config.strategies[gvrToString(gvr)] ?? this.parts.config.defaultStrategy;
  }

  async apply(request: ApplyRequest): Promise<SyncResult> {
    const { parts } = this;
    const { key } = request.item;
    const gvr = key.gvr;
    // kube types list items (apiVersion/kind) as client-go's dynamic client does, so the desired object
    // carries both whether it came from a list or a watch event.
    const desired = parts.retention.clear(structuredClone(request.desired));
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

    const size = Buffer.byteLength(JSON.stringify(desired));
    const limit = parts.maxObjectBytes ?? DEFAULT_MAX_OBJECT_BYTES;
    if (size > limit) {
      const error = new TmcError({
        type: TmcErrorType.Invalid,
        message: `${gvrToString(gvr)} ${namespace}/${name} is ${size} bytes, over the ${limit}-byte limit`,
        retryable: false,
      });
      const conflict = { kind: 'size-limit', message: error.message };
      await parts.upstream.reportConflict(key, request.upstream, [conflict]);
      return failure(request, error, [conflict]);
    }

    try {
      if (namespace !== '') {
        await parts.namespaces.ensure(
          namespace,
          namespaceLocator(key.cluster, parts.syncTarget, key.namespace),
        );
      }
    } catch (err) {
      if (err instanceof TmcError && err.reason === 'NamespaceCollision') {
        const conflict = { kind: 'namespace-collision', message: err.message };
        if (request.item.retries === 0)
          await parts.upstream.reportConflict(key, request.upstream, [conflict]);
        return failure(request, err, [conflict]);
      }
      throw err;
    }
    const held = await holdForDns(parts.dns, request, parts.syncTarget);
    if (held !== undefined) return held;

    const strategy = this.strategyFor(gvr);
    const hash = desiredHash(desired, parts.config.ignoreFields);
    const stored = parts.states.get(key);
    let live = await this.readLive(gvr, namespace, name, strategy, stored !== undefined);

    if (live !== undefined) {
      const ownership = this.ownership(request, live);
      if (ownership !== undefined) return ownership;
      if (live.metadata.deletionTimestamp !== undefined) {
        return failure(
          request,
          new TmcError({
            type: TmcErrorType.ResourceConflict,
            message: `downstream ${name} is being deleted`,
            retryAfterMs: 1000,
          }),
        );
      }
    }

    const target =
      live === undefined ? desired : parts.retention.retain(gvr, desired, live, stored?.lastApplied);
    const decision = decide({
      desired: target,
      hash,
      live,
      storedHash: stored?.hash,
      ...(stored === undefined ? {} : { storedResourceVersion: stored.resourceVersion }),
      ignoreFields: parts.config.ignoreFields,
      ...(strategy === 'server-side-apply' ? { fieldManager: parts.config.fieldManager } : {}),
    });
    if (decision.action === 'noop' && live !== undefined) {
      if (
        stored === undefined ||
        stored.resourceVersion !== live.metadata.resourceVersion ||
        stored.upstreamSpec !== upstreamSpecOf(request.upstream)
      ) {
        this.remember(request, live, hash, desired);
      }
      return result(request, { operation: 'noop', success: true, object: live, reason: 'unchanged' });
    }
    if (strategy === 'read-only') {
      return result(request, {
        operation: 'noop',
        success: true,
        reason: 'read-only: never written downstream',
      });
    }
    if (strategy === 'create-only' && live !== undefined) {
      this.remember(request, live, hash, desired);
      return result(request, {
        operation: 'noop',
        success: true,
        object: live,
        reason: 'create-only: exists',
      });
    }

    // kcp's order: our finalizer is on the upstream object before anything exists downstream.
    if (request.upstream.metadata.deletionTimestamp === undefined) {
      await parts.upstream.ensureFinalizer(key, request.upstream);
    }
    const body = structuredClone(target);
    const writeTarget: WriteTarget = { client: parts.client, gvr, fieldManager: parts.config.fieldManager };

    if (live !== undefined && isImmutableChange(body, live)) {
      // Immutable ConfigMaps/Secrets cannot change: replace them (the uid precondition spares a newer copy).
      await parts.client.delete(
        gvr,
        { name, ...(namespace === '' ? {} : { namespace }) },
        {
          preconditions: { uid: live.metadata.uid as string },
        },
      );
      live = undefined;
    }

    if (live === undefined) {
      try {
        const created = await createObject(writeTarget, body, strategy);
        this.remember(request, created, hash, desired);
        return result(request, { operation: 'create', success: true, object: created });
      } catch (err) {
        if (!(err instanceof TmcError && err.type === TmcErrorType.AlreadyExists)) throw err;
        // A create race or an object our cache does not show (not ours): read it and go round once more.
        live = await parts.live.get(gvr, namespace, name);
        if (live === undefined) throw err;
        const ownership = this.ownership(request, live);
        if (ownership !== undefined) return ownership;
        return this.update(
          request,
          writeTarget,
          strategy,
          parts.retention.retain(gvr, desired, live, stored?.lastApplied),
          live,
          hash,
          desired,
          stored?.lastApplied,
        );
      }
    }
    const why = decision.action === 'update' ? decision.why : undefined;
    return this.update(request, writeTarget, strategy, body, live, hash, desired, stored?.lastApplied, why);
  }

  private async update(
    request: ApplyRequest,
    writeTarget: WriteTarget,
    strategy: ApplyStrategy,
    body: KubeObject,
    live: KubeObject,
    hash: string,
    desired: KubeObject,
    /** What we last applied, as read at the start of this apply (the key is ours until it ends). */
    lastApplied: KubeObject | undefined,
    /** Why the differ asked for the write (`desired changed`, `drifted: spec`), reported as the reason. */
    why?: string,
  ): Promise<SyncResult> {
    const { parts } = this;
    const { key } = request.item;
    const namespace = body.metadata.namespace ?? '';
    const name = body.metadata.name as string;
    const adopting = live.metadata.labels?.[DOWNSTREAM_CLUSTER_LABEL] !== parts.syncTarget.key;
    const outcome = await writeResolvingConflicts(
      {
        context: request.context,
        registry: parts.resolvers,
        retries: parts.config.conflictRetries,
        desired: body,
        lastApplied,
        read: () => parts.live.get(writeTarget.gvr, namespace, name),
        write: (object, current, force) =>
          updateObject(writeTarget, strategy, object, current, force || adopting),
      },
      live,
    );
    if (outcome.conflicts.length > 0 && request.item.retries === 0) {
      await parts.upstream.reportConflict(key, request.upstream, outcome.conflicts);
    }
    switch (outcome.status) {
      case 'written':
        this.remember(request, outcome.object, hash, desired);
        return result(request, {
          operation: 'update',
          success: true,
          object: outcome.object,
          conflicts: outcome.conflicts,
          ...(why === undefined ? {} : { reason: why }),
        });
      case 'kept':
        return result(request, {
          operation: 'noop',
          success: true,
          object: outcome.object,
          conflicts: outcome.conflicts,
          reason: 'conflict resolved by keeping the downstream object',
        });
      case 'gone':
        return failure(
          request,
          new TmcError({
            type: TmcErrorType.NotFound,
            message: `${name} vanished downstream during the write`,
            retryable: true,
          }),
          outcome.conflicts,
        );
      case 'aborted':
        return failure(request, outcome.error, outcome.conflicts);
    }
  }

  /** A failed result when `live` is not ours to write (reported upstream); undefined when it is. */
  private ownership(request: ApplyRequest, live: KubeObject): SyncResult | undefined {
    const { parts } = this;
    const { key } = request.item;
    if (isNamespacesGvr(key.gvr)) {
      // A namespace is ours by its locator, whoever labelled it.
      try {
        const locator = locatorFromAnnotations(request.desired.metadata.annotations);
        if (locator !== undefined) checkNamespaceLocator(live, locator);
      } catch (err) {
        const error =
          err instanceof TmcError
            ? err
            : new TmcError({ type: TmcErrorType.ResourceConflict, message: String(err) });
        const conflict = { kind: 'namespace-collision', message: error.message };
        if (request.item.retries === 0) void parts.upstream.reportConflict(key, request.upstream, [conflict]);
        return failure(request, error, [conflict]);
      }
      return undefined;
    }
    const owner = live.metadata.labels?.[DOWNSTREAM_CLUSTER_LABEL];
    if (owner === parts.syncTarget.key) return undefined;
    const where = `${live.kind ?? 'object'} ${live.metadata.namespace ?? ''}/${live.metadata.name ?? ''}`;
    if (owner === undefined && parts.config.adoptExisting) return undefined;
    const message =
      owner === undefined
        ? `${where} exists downstream without the ownership label ${DOWNSTREAM_CLUSTER_LABEL}; not modified`
        : `${where} is owned by another SyncTarget (${DOWNSTREAM_CLUSTER_LABEL}=${owner}); not modified`;
    const conflict: SyncConflict = { kind: 'ownership', message, resolution: 'left untouched' };
    if (request.item.retries === 0) void parts.upstream.reportConflict(key, request.upstream, [conflict]);
    // Retryable with backoff: once the other object goes, ours is created.
    return failure(request, new TmcError({ type: TmcErrorType.ResourceConflict, message }), [conflict]);
  }

  private async readLive(
    gvr: GVR,
    namespace: string,
    name: string,
    strategy: ApplyStrategy,
    /** We already wrote this key: a cache miss is most likely the informer lagging behind our own create. */
    written: boolean,
  ): Promise<KubeObject | undefined> {
    const cached = this.parts.live.cached(gvr, namespace, name);
    // Our cache holds only labelled objects. An apply patch would also take over an unlabelled one, so before
    // creating by apply, ask the server; a POST create cannot take anything over (AlreadyExists), but after our
    // own create it would only earn a wasted 409, so ask the server then too.
    if (cached === 'unknown' || (cached === undefined && (strategy === 'server-side-apply' || written))) {
      return this.parts.live.get(gvr, namespace, name);
    }
    return cached;
  }

  private remember(request: ApplyRequest, written: KubeObject, hash: string, desired: KubeObject): void {
    const { key } = request.item;
    const generation = written.metadata.generation;
    const upstreamSpec = upstreamSpecOf(request.upstream);
    this.parts.states.set({
      key,
      gvr: key.gvr,
      downstreamNamespace: written.metadata.namespace ?? '',
      downstreamName: written.metadata.name ?? '',
      resourceVersion: written.metadata.resourceVersion ?? '',
      ...(generation === undefined ? {} : { generation }),
      hash,
      lastApplied: desired,
      ...(upstreamSpec === undefined ? {} : { upstreamSpec }),
      lastSyncTime: new Date().toISOString(),
    });
  }
}
