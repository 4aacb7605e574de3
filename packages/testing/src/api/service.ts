import { FieldSet } from '../patch/fieldset.js';
import {
  decodeManagedFields,
  encodeManagedFields,
  type ManagerIdentity,
  managedFieldsAfterUpdate,
} from '../patch/managed-fields.js';
import type { ObjectStore } from '../store/store.js';
import { checkBodyIdentity, checkNamespace, validateWrite } from './admission.js';
import { keepSyncerViewAnnotations } from './kcp-status.js';
import { type ListResult, listObjects } from './list.js';
import { timestamp } from './meta.js';
import type { ResourceRegistry } from './registry.js';
import { grKey, type ResourceType } from './resource-type.js';
import { ServiceAllocator } from './service-allocator.js';
import { ApiError, alreadyExists, badRequest, invalid, notFound } from './status.js';
import { strategyFor } from './strategies/index.js';
import type { Strategy, StrategyContext } from './strategy.js';
import type { DeleteOptions, ListOptions, Target, WriteOptions, WriteResult } from './target.js';
import { cloneJson, isPlainObject, jsonEqual, type KubeObject } from './types.js';
import {
  bumpGeneration,
  checkDeletePreconditions,
  deletedStatus,
  deletionFinalizers,
  finalizeUpdate,
  idEntry,
  isKubeObject,
  mainUpdate,
  markDeleting,
  prepareCreate,
  statusUpdate,
} from './write-bodies.js';
import { readyToRemove, sameObject } from './write-helpers.js';
import { checkUpdatePreconditions, managerIdentity, requireCluster, writeScope } from './write-target.js';

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

  get(target: Target): KubeObject {
    const cluster = requireCluster(target);
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
    const cluster = requireCluster(target, body);
    const ctx = this.ctx(cluster, opts.dryRun === true);
    const meta = body.metadata;
    const name = prepareCreate(rt, body, target.namespace, cluster, ctx.now, this.options.kcp);
    // kcp's upsyncer VW refuses to create what its label selector would not show.
    if (target.visible?.(cluster, body) === false) throw badRequest('label selector does not match labels');
    this.strategy(rt).prepareForCreate?.(body, ctx);
    validateWrite(rt, body, ctx);
    if (rt.namespaced) checkNamespace(this.store, cluster, rt, meta.namespace!, name);
    if (this.store.get(cluster, grKey(rt), meta.namespace ?? '', name)) throw alreadyExists(rt, name);
    const id = managerIdentity(target, opts, operation);
    delete meta.managedFields;
    meta.managedFields =
      operation === 'Apply' && applied
        ? encodeManagedFields([{ entry: { ...idEntry(id), fieldsV1: {} }, set: applied }])
        : managedFieldsAfterUpdate(undefined, body, id, writeScope(target), rt.builtin);
    if (ctx.dryRun) return { code: 201, object: body };
    const allocErrs = this.strategy(rt).allocate?.(body, undefined, ctx) ?? [];
    if (allocErrs.length > 0) throw invalid(rt.group, rt.kind, name, allocErrs);
    const stored = this.store.commit('ADDED', cluster, grKey(rt), body);
    this.fire('ADDED', target, cluster, stored);
    return { code: 201, object: stored };
  }

  /** PUT semantics on the main resource or a subresource (status, finalize). */
  update(target: Target, input: KubeObject, opts: WriteOptions = {}): WriteResult {
    const body = cloneJson(input);
    checkBodyIdentity(target, body);
    const cluster = requireCluster(target, body);
    const old = this.store.get(cluster, grKey(target.rt), target.namespace ?? '', target.name!);
    if (!old || (target.visible && !target.visible(cluster, old))) throw notFound(target.rt, target.name!);
    checkUpdatePreconditions(target, old, body);
    if (target.view) return this.writeThroughView(target, cluster, old, body, opts);
    return this.writeUpdate(target, cluster, old, body, opts, managerIdentity(target, opts, 'Update'));
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
        managerIdentity(stepTarget, opts, 'Update'),
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
      next = statusUpdate(old, body);
      this.strategy(rt).prepareForStatusUpdate?.(next, body);
      if (this.options.kcp) keepSyncerViewAnnotations(next, body);
    } else if (target.subresource === 'finalize') {
      next = finalizeUpdate(old, body);
    } else {
      next = body;
      mainUpdate(rt, old, next, cluster, this.options.kcp);
      this.strategy(rt).prepareForUpdate?.(next, old, ctx);
      bumpGeneration(rt, old, next);
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
    // managedFields sent in the request are the base, as kube-apiserver decodes them: how Update becomes Apply.
    const base =
      Array.isArray(incoming) && incoming.length > 0
        ? { ...old, metadata: { ...old.metadata, managedFields: incoming } }
        : old;
    return managedFieldsAfterUpdate(base, next, id, writeScope(target), target.rt.builtin);
  }

  delete(
    target: Target,
    opts: DeleteOptions = {},
  ): { code: number; body: KubeObject | Record<string, unknown> } {
    const rt = target.rt;
    const cluster = requireCluster(target);
    const old = this.store.get(cluster, grKey(rt), target.namespace ?? '', target.name!);
    if (!old || (target.visible && !target.visible(cluster, old))) throw notFound(rt, target.name!);
    checkDeletePreconditions(rt, old, opts);
    const finalizers = deletionFinalizers(old, opts);
    const isNamespace = rt.group === '' && rt.resource === 'namespaces';
    const nsFinalizers =
      isNamespace && isPlainObject(old.spec) && Array.isArray(old.spec.finalizers) ? old.spec.finalizers : [];
    if (finalizers.length > 0 || nsFinalizers.length > 0) {
      if (old.metadata.deletionTimestamp && jsonEqual(finalizers, old.metadata.finalizers ?? [])) {
        return { code: 200, body: old };
      }
      const next = markDeleting(old, finalizers, timestamp(), isNamespace);
      if (opts.dryRun) return { code: 200, body: next };
      const stored = this.store.commit('MODIFIED', cluster, grKey(rt), next);
      this.fire('MODIFIED', target, cluster, stored);
      return { code: 200, body: stored };
    }
    if (opts.dryRun) return { code: 200, body: rt.returnDeletedObject ? old : deletedStatus(rt, old) };
    const removed = this.remove(target, cluster, cloneJson(old));
    return { code: 200, body: rt.returnDeletedObject ? removed : deletedStatus(rt, removed) };
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

export { FieldSet };
