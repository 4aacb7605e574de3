import { grKey, type ResourceType } from '../api/resource-type.js';
import type { ResourceService } from '../api/service.js';
import { cloneJson, type KubeObject } from '../api/types.js';
import { WorkQueue } from '../controllers/queue.js';
import { SYNCTARGETS_GR } from './synctarget-controllers.js';
import { syncTargetKey } from './synctarget-key.js';
import {
  DELETION_ANNOTATION_PREFIX,
  FINALIZERS_ANNOTATION_PREFIX,
  rfc3339,
  STATE_LABEL_PREFIX,
  SYNCER_FINALIZER_PREFIX,
} from './workload-names.js';

/** Namespaces kcp never syncs (namespaceBlocklist in pkg/reconciler/workload/resource/resource_controller.go). */
const BLOCKED_NAMESPACES = new Set(['kube-system', 'kube-public', 'kube-node-lease', 'kcp-system']);
const NAMESPACES = '/namespaces';

type Patch = Record<string, string | null>;

function locations(labels: Record<string, string> | undefined): Set<string> {
  const out = new Set<string>();
  for (const k of Object.keys(labels ?? {}))
    if (k.startsWith(STATE_LABEL_PREFIX)) out.add(k.slice(STATE_LABEL_PREFIX.length));
  return out;
}

function deleting(annotations: Record<string, string> | undefined): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of Object.entries(annotations ?? {})) {
    if (k.startsWith(DELETION_ANNOTATION_PREFIX)) out.set(k.slice(DELETION_ANNOTATION_PREFIX.length), v);
  }
  return out;
}

const sameSet = (a: Set<string>, b: Set<string>) => a.size === b.size && [...a].every((x) => b.has(x));
const sameMap = (a: Map<string, string>, b: Map<string, string>) =>
  a.size === b.size && [...a].every(([k, v]) => b.get(k) === v);

/** kcp's computePlacement: the object follows its namespace's SyncTargets (resource_reconcile.go). */
function placement(obj: KubeObject, expected: Set<string>, expectedDeleted: Map<string, string>) {
  const labels: Patch = {};
  const annotations: Patch = {};
  const current = locations(obj.metadata.labels);
  const currentDeleting = deleting(obj.metadata.annotations);
  if (sameSet(current, expected) && sameMap(currentDeleting, expectedDeleted)) return { labels, annotations };
  const objAnnotations = obj.metadata.annotations ?? {};
  const now = rfc3339(new Date());
  for (const loc of current) {
    if (expected.has(loc)) continue;
    const owned = obj.metadata.finalizers?.includes(SYNCER_FINALIZER_PREFIX + loc) === true;
    const held = (objAnnotations[FINALIZERS_ANNOTATION_PREFIX + loc] ?? '') !== '';
    if (owned || held) {
      // The syncer still owns it: ask it to delete downstream first.
      if (!(DELETION_ANNOTATION_PREFIX + loc in objAnnotations))
        annotations[DELETION_ANNOTATION_PREFIX + loc] = now;
    } else {
      if (DELETION_ANNOTATION_PREFIX + loc in objAnnotations)
        annotations[DELETION_ANNOTATION_PREFIX + loc] = null;
      labels[STATE_LABEL_PREFIX + loc] = null;
    }
  }
  for (const loc of expected) {
    if (!current.has(loc)) continue;
    const when = expectedDeleted.get(loc);
    if (when !== undefined && !currentDeleting.has(loc)) annotations[DELETION_ANNOTATION_PREFIX + loc] = when;
    if (when === undefined && currentDeleting.has(loc)) annotations[DELETION_ANNOTATION_PREFIX + loc] = null;
  }
  for (const loc of expected) {
    if (current.has(loc) || expectedDeleted.has(loc)) continue;
    labels[STATE_LABEL_PREFIX + loc] = 'Sync';
  }
  return { labels, annotations };
}

function applyPatch(map: Record<string, string> | undefined, patch: Patch): Record<string, string> {
  const out = { ...map };
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = v;
  }
  return out;
}

/**
 * kcp's workload resource controller for namespaced objects (pkg/reconciler/workload/resource): copies the
 * namespace's state labels and deletion annotations onto its contents, records each SyncTarget's deletion
 * annotation when an object is deleted, and drops syncer finalizers of SyncTargets that no longer exist.
 */
export class ResourceController {
  private readonly queue: WorkQueue;

  constructor(
    private readonly service: ResourceService,
    private readonly clusters: () => Iterable<string>,
  ) {
    this.queue = new WorkQueue((key) => this.reconcile(key));
    service.onCommit(({ type, target, cluster, object }) => {
      const rt = target.rt;
      if (rt.group === '' && rt.resource === 'namespaces') {
        if (type !== 'DELETED') this.enqueueNamespace(cluster, object.metadata.name!);
      } else if (rt.group === 'workload.kcp.io' && rt.resource === 'synctargets') {
        if (type === 'DELETED') this.enqueueOwnedBy(syncTargetKey(cluster, object.metadata.name!));
      } else if (rt.namespaced && type !== 'DELETED') {
        this.enqueue(cluster, rt, object);
      }
    });
  }

  stop(): void {
    this.queue.stop();
  }

  private enqueue(cluster: string, rt: ResourceType, obj: KubeObject): void {
    this.queue.add(
      JSON.stringify([cluster, rt.group, rt.resource, obj.metadata.namespace, obj.metadata.name]),
    );
  }

  private enqueueNamespace(cluster: string, ns: string): void {
    for (const rt of this.service.registry.all(cluster)) {
      if (!rt.namespaced) continue;
      for (const { object } of this.service.store.list(cluster, grKey(rt), ns))
        this.enqueue(cluster, rt, object);
    }
  }

  private enqueueOwnedBy(key: string): void {
    for (const cluster of this.clusters()) {
      for (const rt of this.service.registry.all(cluster)) {
        if (!rt.namespaced) continue;
        for (const { object } of this.service.store.list(cluster, grKey(rt))) {
          if (object.metadata.finalizers?.includes(SYNCER_FINALIZER_PREFIX + key))
            this.enqueue(cluster, rt, object);
        }
      }
    }
  }

  private syncTargetExists(key: string): boolean {
    for (const { cluster, object } of this.service.store.list('*', SYNCTARGETS_GR)) {
      if (syncTargetKey(cluster, object.metadata.name!) === key) return true;
    }
    return false;
  }

  private reconcile(queueKey: string): void {
    const [cluster, group, resource, ns, name] = JSON.parse(queueKey) as [
      string,
      string,
      string,
      string,
      string,
    ];
    if (BLOCKED_NAMESPACES.has(ns)) return;
    const rt = this.service.registry.lookupGroupResource(cluster, group, resource);
    const obj = rt && this.service.store.get(cluster, grKey(rt), ns, name);
    const namespace = this.service.store.get(cluster, NAMESPACES, '', ns);
    if (!rt || !obj || !namespace) return;
    if (
      Object.entries(obj.metadata.labels ?? {}).some(
        ([k, v]) => k.startsWith(STATE_LABEL_PREFIX) && v === 'Upsync',
      )
    )
      return;
    let labels: Patch = {};
    let annotations: Patch = {};
    if (obj.metadata.deletionTimestamp) {
      for (const loc of locations(obj.metadata.labels)) {
        if (!obj.metadata.annotations?.[DELETION_ANNOTATION_PREFIX + loc]) {
          annotations[DELETION_ANNOTATION_PREFIX + loc] = obj.metadata.deletionTimestamp;
        }
      }
    } else {
      ({ labels, annotations } = placement(
        obj,
        locations(namespace.metadata.labels),
        deleting(namespace.metadata.annotations),
      ));
    }
    const finalizers = (obj.metadata.finalizers ?? []).filter(
      (f) =>
        !f.startsWith(SYNCER_FINALIZER_PREFIX) ||
        this.syncTargetExists(f.slice(SYNCER_FINALIZER_PREFIX.length)),
    );
    const unchanged =
      Object.keys(labels).length === 0 &&
      Object.keys(annotations).length === 0 &&
      finalizers.length === (obj.metadata.finalizers ?? []).length;
    if (unchanged) return;
    const next = cloneJson(obj);
    if (Object.keys(labels).length > 0) next.metadata.labels = applyPatch(next.metadata.labels, labels);
    if (Object.keys(annotations).length > 0)
      next.metadata.annotations = applyPatch(next.metadata.annotations, annotations);
    next.metadata.finalizers = finalizers;
    const target = { cluster, rt, version: rt.versions[0]!, namespace: ns, name };
    const id = {
      manager: 'kcp',
      operation: 'Update' as const,
      apiVersion: rt.group ? `${rt.group}/${rt.versions[0]}` : rt.versions[0]!,
      time: rfc3339(new Date()),
    };
    this.service.writeUpdate(target, cluster, obj, next, {}, id);
  }
}
