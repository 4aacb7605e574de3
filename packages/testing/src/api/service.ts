import { FieldSet } from '../patch/fieldset.js';
import {
  decodeManagedFields,
  encodeManagedFields,
  type ManagerIdentity,
  managedFieldsAfterUpdate,
  type WriteScope,
} from '../patch/managed-fields.js';
import type { ObjectStore } from '../store/store.js';
import { checkBodyIdentity, checkNamespace, validateWrite } from './admission.js';
import { keepSyncerViewAnnotations } from './kcp-status.js';
import { type ListResult, listObjects } from './list.js';
import { generateName, KCP_CLUSTER_ANNOTATION, managerFromUserAgent, newUid, timestamp } from './meta.js';
import type { ResourceRegistry } from './registry.js';
import { grKey, groupVersion, type ResourceType } from './resource-type.js';
import { ServiceAllocator } from './service-allocator.js';
import {
  ApiError,
  alreadyExists,
  badRequest,
  conflict,
  fieldRequired,
  invalid,
  notFound,
  OBJECT_MODIFIED,
  successStatus,
} from './status.js';
import { strategyFor } from './strategies/index.js';
import type { Strategy, StrategyContext } from './strategy.js';
import type { DeleteOptions, ListOptions, Target, WriteOptions, WriteResult } from './target.js';
import { cloneJson, isPlainObject, jsonEqual, type KubeObject } from './types.js';
import { dropEmptyMetadata, readyToRemove, sameObject, specPart } from './write-helpers.js';

export interface ServiceOptions {
  /** kcp mode: every object carries the kcp.io/cluster annotation. */
  kcp: boolean;
  allocator?: ServiceAllocator;
}

/** Called synchronously after each accepted write (CRD registration, SyncTarget status, ...). */
export type CommitHook = (event: {
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  target: Target;
  cluster: string;
  object: KubeObject;
}) => void;

/**
 * The API semantics, independent of HTTP: create/get/list/update/patch/delete with kube-apiserver's
 * rules (resourceVersion preconditions, generation, status subresource split, finalizers, namespace
 * lifecycle, validation, managedFields). The HTTP layer and the fake controllers both go through it.
 */
export class ResourceService {
  readonly allocator: ServiceAllocator;
  private readonly hooks: CommitHook[] = [];

  constructor(
    readonly store: ObjectStore,
    readonly registry: ResourceRegistry,
    readonly options: ServiceOptions,
  ) {
    this.allocator = options.allocator ?? new ServiceAllocator();
  }

  onCommit(hook: CommitHook): void {
    this.hooks.push(hook);
  }

  private ctx(cluster: string, dryRun: boolean): StrategyContext {
    return { cluster, now: timestamp(), dryRun, services: this.allocator };
  }

  private strategy(rt: ResourceType): Strategy {
    return strategyFor(rt);
  }

  private identity(target: Target, opts: WriteOptions, operation: 'Apply' | 'Update'): ManagerIdentity {
    const id: ManagerIdentity = {
      manager: opts.fieldManager ?? managerFromUserAgent(opts.userAgent),
      operation,
      apiVersion: groupVersion(target.rt.group, target.version),
      time: timestamp(),
    };
    if (target.subresource === 'status') id.subresource = 'status';
    return id;
  }

  private scopeOf(target: Target): WriteScope {
    if (target.subresource === 'status') return 'status';
    return target.rt.subresources.status ? 'main' : 'all';
  }

  private requireCluster(target: Target, body?: KubeObject): string {
    if (target.cluster !== '*') return target.cluster;
    const fromBody = body?.metadata?.annotations?.[KCP_CLUSTER_ANNOTATION];
    if (fromBody) return fromBody;
    throw badRequest(
      'a logical cluster is required: use /clusters/<name>/... or set the kcp.io/cluster annotation',
    );
  }

  get(target: Target): KubeObject {
    const cluster = this.requireCluster(target);
    const obj = this.store.get(cluster, grKey(target.rt), target.namespace ?? '', target.name!);
    if (!obj || (target.visible && !target.visible(cluster, obj))) throw notFound(target.rt, target.name!);
    return target.view ? target.view.read(obj) : obj;
  }

  /** Like get, for a body-addressed object (wildcard writes), without the visibility filter. */
  find(cluster: string, rt: ResourceType, namespace: string, name: string): KubeObject | undefined {
    return this.store.get(cluster, grKey(rt), namespace, name);
  }

  list(target: Target, options: ListOptions): ListResult {
    return listObjects(this.store, target, options);
  }

  create(
    target: Target,
    input: KubeObject,
    opts: WriteOptions = {},
    operation: 'Apply' | 'Update' = 'Update',
    applied?: FieldSet,
  ): WriteResult {
    const rt = target.rt;
    const body = cloneJson(input);
    checkBodyIdentity(target, body);
    const cluster = this.requireCluster(target, body);
    const ctx = this.ctx(cluster, opts.dryRun === true);
    const meta = body.metadata;
    body.apiVersion = groupVersion(rt.group, rt.versions[0]!);
    body.kind = rt.kind;
    if (rt.namespaced) meta.namespace = target.namespace ?? meta.namespace;
    else delete meta.namespace;
    if (!meta.name && meta.generateName) meta.name = generateName(meta.generateName);
    if (!meta.name) {
      throw invalid(rt.group, rt.kind, '', [
        fieldRequired('metadata.name', 'name or generateName is required'),
      ]);
    }
    meta.uid = newUid();
    meta.creationTimestamp = ctx.now;
    delete meta.resourceVersion;
    delete meta.deletionTimestamp;
    delete meta.deletionGracePeriodSeconds;
    delete meta.selfLink;
    dropEmptyMetadata(meta);
    if (rt.generation) meta.generation = 1;
    else delete meta.generation;
    if (this.options.kcp) meta.annotations = { ...meta.annotations, [KCP_CLUSTER_ANNOTATION]: cluster };
    if (rt.subresources.status) delete body.status;
    this.strategy(rt).prepareForCreate?.(body, ctx);
    validateWrite(rt, body, ctx);
    if (rt.namespaced) checkNamespace(this.store, cluster, rt, meta.namespace!, meta.name);
    if (this.store.get(cluster, grKey(rt), meta.namespace ?? '', meta.name))
      throw alreadyExists(rt, meta.name);
    const id = this.identity(target, opts, operation);
    delete meta.managedFields;
    meta.managedFields =
      operation === 'Apply' && applied
        ? encodeManagedFields([{ entry: { ...idEntry(id), fieldsV1: {} }, set: applied }])
        : managedFieldsAfterUpdate(undefined, body, id, this.scopeOf(target), rt.builtin);
    if (ctx.dryRun) return { code: 201, object: body };
    const allocErrs = this.strategy(rt).allocate?.(body, undefined, ctx) ?? [];
    if (allocErrs.length > 0) throw invalid(rt.group, rt.kind, meta.name, allocErrs);
    const stored = this.store.commit('ADDED', cluster, grKey(rt), body);
    this.fire('ADDED', target, cluster, stored);
    return { code: 201, object: stored };
  }

  /** PUT semantics on the main resource or a subresource (status, finalize). */
  update(target: Target, input: KubeObject, opts: WriteOptions = {}): WriteResult {
    const body = cloneJson(input);
    checkBodyIdentity(target, body);
    const cluster = this.requireCluster(target, body);
    const old = this.store.get(cluster, grKey(target.rt), target.namespace ?? '', target.name!);
    if (!old || (target.visible && !target.visible(cluster, old))) throw notFound(target.rt, target.name!);
    if (body.metadata.name !== undefined && body.metadata.name !== target.name) {
      throw badRequest(
        `the name of the object (${body.metadata.name}) does not match the name on the URL (${target.name})`,
      );
    }
    if (target.view) return this.writeThroughView(target, cluster, old, body, opts);
    const rv = body.metadata.resourceVersion;
    if (rv) {
      if (rv !== old.metadata.resourceVersion) throw conflict(target.rt, target.name!, OBJECT_MODIFIED);
    } else if (!target.rt.allowUnconditionalUpdate) {
      throw invalid(target.rt.group, target.rt.kind, target.name!, [
        {
          type: 'FieldValueInvalid',
          field: 'metadata.resourceVersion',
          body: 'Invalid value: 0x0: must be specified for an update',
        },
      ]);
    }
    return this.writeUpdate(target, cluster, old, body, opts, this.identity(target, opts, 'Update'));
  }

  /**
   * A write through a transforming view: the view rebuilds it from the stored object into one or more
   * writes (status first when kcp promotes a field before the main update), and the answer is read back
   * through the view.
   */
  writeThroughView(
    target: Target,
    cluster: string,
    old: KubeObject,
    incoming: KubeObject,
    opts: WriteOptions,
  ): WriteResult {
    const view = target.view!;
    let current = old;
    let result: WriteResult = { code: 200, object: old };
    for (const step of view.write(old, incoming, target.subresource, target.rt)) {
      const stepTarget: Target = { ...target, subresource: step.subresource };
      const body = cloneJson(step.object);
      body.metadata.resourceVersion = current.metadata.resourceVersion;
      result = this.writeUpdate(
        stepTarget,
        cluster,
        current,
        body,
        opts,
        this.identity(stepTarget, opts, 'Update'),
      );
      current = result.object;
    }
    return { code: result.code, object: view.read(result.object) };
  }

  /**
   * The shared update pipeline: scope the change to the addressed part, carry over server-owned
   * metadata, apply the strategy, bump generation, validate, track managedFields, then commit (or
   * remove, when a deleting object lost its last finalizer). A no-op write commits nothing.
   */
  writeUpdate(
    target: Target,
    cluster: string,
    old: KubeObject,
    body: KubeObject,
    opts: WriteOptions,
    id: ManagerIdentity,
    managedFields?: KubeObject['metadata']['managedFields'],
  ): WriteResult {
    const rt = target.rt;
    const ctx = this.ctx(cluster, opts.dryRun === true);
    let next: KubeObject;
    if (target.subresource === 'status') {
      // Status writes change only status (ResetObjectMetaForStatus keeps metadata).
      next = { ...cloneJson(old), status: body.status };
      if (body.status === undefined) delete next.status;
      this.strategy(rt).prepareForStatusUpdate?.(next, body);
      if (this.options.kcp) keepSyncerViewAnnotations(next, body);
    } else if (target.subresource === 'finalize') {
      const spec = isPlainObject(old.spec) ? old.spec : {};
      const finalizers = isPlainObject(body.spec) ? body.spec.finalizers : undefined;
      next = { ...cloneJson(old), spec: { ...cloneJson(spec), finalizers: finalizers ?? [] } };
    } else {
      next = body;
      next.apiVersion = old.apiVersion;
      next.kind = old.kind;
      if (rt.subresources.status) {
        if (old.status === undefined) delete next.status;
        else next.status = cloneJson(old.status);
      }
      const m = next.metadata;
      const o = old.metadata;
      m.name = o.name;
      if (o.namespace !== undefined) m.namespace = o.namespace;
      else delete m.namespace;
      m.uid = o.uid;
      m.creationTimestamp = o.creationTimestamp;
      for (const k of ['deletionTimestamp', 'deletionGracePeriodSeconds', 'generation'] as const) {
        if (o[k] === undefined) delete m[k];
        else (m as Record<string, unknown>)[k] = o[k];
      }
      delete m.selfLink;
      dropEmptyMetadata(m);
      if (this.options.kcp) m.annotations = { ...m.annotations, [KCP_CLUSTER_ANNOTATION]: cluster };
      this.strategy(rt).prepareForUpdate?.(next, old, ctx);
      if (rt.generation && !jsonEqual(specPart(next, rt), specPart(old, rt))) {
        m.generation = (o.generation ?? 0) + 1;
      }
    }
    next.metadata.resourceVersion = old.metadata.resourceVersion;
    validateWrite(rt, next, ctx, old);
    next.metadata.managedFields = managedFields ?? this.updatedManagedFields(old, next, id, target);
    if (sameObject(next, old)) return { code: 200, object: old };
    if (ctx.dryRun) return { code: 200, object: next };
    const allocErrs = this.strategy(rt).allocate?.(next, old, ctx) ?? [];
    if (allocErrs.length > 0) throw invalid(rt.group, rt.kind, next.metadata.name!, allocErrs);
    if (readyToRemove(next, rt)) return { code: 200, object: this.remove(target, cluster, next) };
    const stored = this.store.commit('MODIFIED', cluster, grKey(rt), next);
    this.fire('MODIFIED', target, cluster, stored);
    return { code: 200, object: stored };
  }

  private updatedManagedFields(old: KubeObject, next: KubeObject, id: ManagerIdentity, target: Target) {
    const incoming = next.metadata.managedFields;
    // Sending `managedFields: [{}]` resets ownership tracking, as kube-apiserver allows.
    if (Array.isArray(incoming) && incoming.length === 1 && Object.keys(incoming[0] ?? {}).length === 0) {
      return [];
    }
    // managedFields in the request, when given, are the base instead of the stored ones (kube-apiserver's field
    // manager decodes the new object's first): how a client rewrites ownership, e.g. Update into Apply.
    const base =
      Array.isArray(incoming) && incoming.length > 0
        ? { ...old, metadata: { ...old.metadata, managedFields: incoming } }
        : old;
    return managedFieldsAfterUpdate(base, next, id, this.scopeOf(target), target.rt.builtin);
  }

  delete(
    target: Target,
    opts: DeleteOptions = {},
  ): { code: number; body: KubeObject | Record<string, unknown> } {
    const rt = target.rt;
    const cluster = this.requireCluster(target);
    const old = this.store.get(cluster, grKey(rt), target.namespace ?? '', target.name!);
    if (!old || (target.visible && !target.visible(cluster, old))) throw notFound(rt, target.name!);
    const pre = opts.preconditions;
    if (pre?.uid && pre.uid !== old.metadata.uid) {
      throw conflict(
        rt,
        target.name!,
        `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${old.metadata.uid}`,
      );
    }
    if (pre?.resourceVersion && pre.resourceVersion !== old.metadata.resourceVersion) {
      throw conflict(
        rt,
        target.name!,
        `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${old.metadata.resourceVersion}`,
      );
    }
    const finalizers = [...(old.metadata.finalizers ?? [])];
    const policy = opts.propagationPolicy ?? (opts.orphanDependents === true ? 'Orphan' : undefined);
    const add = (f: string) => {
      if (!finalizers.includes(f)) finalizers.push(f);
    };
    if (policy === 'Orphan') add('orphan');
    if (policy === 'Foreground') add('foregroundDeletion');
    const isNamespace = rt.group === '' && rt.resource === 'namespaces';
    const nsFinalizers =
      isNamespace && isPlainObject(old.spec) && Array.isArray(old.spec.finalizers) ? old.spec.finalizers : [];
    if (finalizers.length > 0 || nsFinalizers.length > 0) {
      if (old.metadata.deletionTimestamp && jsonEqual(finalizers, old.metadata.finalizers ?? [])) {
        return { code: 200, body: old };
      }
      const next = cloneJson(old);
      next.metadata.deletionTimestamp ??= timestamp();
      next.metadata.deletionGracePeriodSeconds ??= 0;
      next.metadata.finalizers = finalizers;
      if (isNamespace)
        next.status = { ...(isPlainObject(next.status) ? next.status : {}), phase: 'Terminating' };
      if (opts.dryRun) return { code: 200, body: next };
      const stored = this.store.commit('MODIFIED', cluster, grKey(rt), next);
      this.fire('MODIFIED', target, cluster, stored);
      return { code: 200, body: stored };
    }
    if (opts.dryRun) return { code: 200, body: rt.returnDeletedObject ? old : this.deletedStatus(rt, old) };
    const removed = this.remove(target, cluster, cloneJson(old));
    return { code: 200, body: rt.returnDeletedObject ? removed : this.deletedStatus(rt, removed) };
  }

  private deletedStatus(rt: ResourceType, obj: KubeObject): Record<string, unknown> {
    return successStatus({
      name: obj.metadata.name!,
      group: rt.group,
      kind: rt.resource,
      uid: obj.metadata.uid!,
    });
  }

  /** Removes an object for good (DELETED event) and releases what it held, finalizers or not. */
  purge(target: Target, cluster: string, obj: KubeObject): KubeObject {
    return this.remove(target, cluster, cloneJson(obj));
  }

  private remove(target: Target, cluster: string, obj: KubeObject): KubeObject {
    this.strategy(target.rt).release?.(obj, this.ctx(cluster, false));
    const stored = this.store.commit('DELETED', cluster, grKey(target.rt), obj);
    this.fire('DELETED', target, cluster, stored);
    return stored;
  }

  deleteCollection(target: Target, list: ListOptions, opts: DeleteOptions): KubeObject[] {
    const out: KubeObject[] = [];
    for (const { cluster, object } of this.list(target, list).items) {
      const t = { ...target, cluster, namespace: object.metadata.namespace, name: object.metadata.name! };
      try {
        const res = this.delete(t, opts);
        out.push(res.body === object || isKubeObject(res.body) ? (res.body as KubeObject) : object);
      } catch (err) {
        if (!(err instanceof ApiError && err.code === 404)) throw err;
      }
    }
    return out;
  }

  private fire(
    type: 'ADDED' | 'MODIFIED' | 'DELETED',
    target: Target,
    cluster: string,
    object: KubeObject,
  ): void {
    for (const hook of this.hooks) hook({ type, target, cluster, object });
  }

  /** Managed field sets of an object, for server-side apply. */
  managedSets(obj: KubeObject) {
    return decodeManagedFields(obj);
  }
}

function isKubeObject(v: unknown): v is KubeObject {
  return isPlainObject(v) && isPlainObject(v.metadata) && v.kind !== 'Status';
}

function idEntry(id: ManagerIdentity) {
  return {
    manager: id.manager,
    operation: id.operation,
    apiVersion: id.apiVersion,
    time: id.time,
    fieldsType: 'FieldsV1' as const,
    ...(id.subresource ? { subresource: id.subresource } : {}),
  };
}

export { FieldSet };
