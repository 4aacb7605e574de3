import type { ResourceService } from '../api/service.js';
import type { KubeObject } from '../api/types.js';
import type { ChangeEvent } from '../store/store.js';
import type { InProcessClient } from './client.js';

interface Ref {
  cluster: string;
  gr: string;
  namespace: string;
  name: string;
}

const refKey = (r: Ref) => `${r.cluster}\u0000${r.gr}\u0000${r.namespace}\u0000${r.name}`;

/**
 * The garbage collector: dependents whose owners (ownerReferences by uid) are all gone are deleted;
 * `foregroundDeletion` owners wait for their dependents; `orphan` owners release them first.
 * Indexes uids and owner → dependents from the change feed, so no request scans the store.
 */
export class GarbageCollector {
  private readonly byUid = new Map<string, Ref>();
  private readonly dependents = new Map<string, Map<string, Ref>>();

  constructor(
    private readonly client: InProcessClient,
    private readonly service: ResourceService,
    private readonly enqueue: (ownerUid: string) => void,
  ) {}

  observe(e: ChangeEvent): void {
    const obj = e.object;
    const uid = obj.metadata.uid;
    if (!uid) return;
    const ref: Ref = {
      cluster: e.cluster,
      gr: e.gr,
      namespace: obj.metadata.namespace ?? '',
      name: obj.metadata.name!,
    };
    const owners = obj.metadata.ownerReferences ?? [];
    for (const o of e.previous?.metadata.ownerReferences ?? [])
      this.dependents.get(o.uid)?.delete(refKey(ref));
    if (e.type === 'DELETED') {
      this.byUid.delete(uid);
      if (this.dependents.has(uid)) this.enqueue(uid);
      return;
    }
    this.byUid.set(uid, ref);
    for (const o of owners) {
      let deps = this.dependents.get(o.uid);
      if (!deps) {
        deps = new Map();
        this.dependents.set(o.uid, deps);
      }
      deps.set(refKey(ref), ref);
      // A dependent created after its owner is gone is garbage at once.
      if (!this.byUid.has(o.uid)) this.enqueue(o.uid);
    }
    const fins = obj.metadata.finalizers ?? [];
    if (obj.metadata.deletionTimestamp && (fins.includes('foregroundDeletion') || fins.includes('orphan')))
      this.enqueue(uid);
  }

  private get(ref: Ref): KubeObject | undefined {
    return this.service.store.get(ref.cluster, ref.gr, ref.namespace, ref.name);
  }

  private rtOf(ref: Ref) {
    const slash = ref.gr.indexOf('/');
    return this.service.registry.lookupGroupResource(
      ref.cluster,
      ref.gr.slice(0, slash),
      ref.gr.slice(slash + 1),
    );
  }

  /** Processes one owner uid; returns true when it must be looked at again later. */
  reconcile(ownerUid: string): boolean {
    const deps = [...(this.dependents.get(ownerUid)?.values() ?? [])].filter((d) => this.get(d));
    const ownerRef = this.byUid.get(ownerUid);
    const owner = ownerRef ? this.get(ownerRef) : undefined;
    if (!owner) {
      for (const d of deps) {
        const dep = this.get(d)!;
        const alive = (dep.metadata.ownerReferences ?? []).some(
          (o) => o.uid !== ownerUid && this.byUid.has(o.uid),
        );
        const rt = this.rtOf(d);
        if (!alive && rt && !dep.metadata.deletionTimestamp)
          this.client.delete(d.cluster, rt.group, rt.resource, d.namespace || undefined, d.name);
      }
      if (deps.length === 0) this.dependents.delete(ownerUid);
      return false;
    }
    const fins = owner.metadata.finalizers ?? [];
    const ort = this.rtOf(ownerRef!);
    if (!owner.metadata.deletionTimestamp || !ort) return false;
    const dropFinalizer = (f: string) =>
      this.client.mutate(
        ownerRef!.cluster,
        ort.group,
        ort.resource,
        ownerRef!.namespace,
        ownerRef!.name,
        'garbage-collector',
        (o) => {
          o.metadata.finalizers = (o.metadata.finalizers ?? []).filter((x) => x !== f);
          return true;
        },
      );
    if (fins.includes('orphan')) {
      for (const d of deps) {
        const rt = this.rtOf(d);
        if (!rt) continue;
        this.client.mutate(
          d.cluster,
          rt.group,
          rt.resource,
          d.namespace,
          d.name,
          'garbage-collector',
          (o) => {
            o.metadata.ownerReferences = (o.metadata.ownerReferences ?? []).filter((r) => r.uid !== ownerUid);
            return true;
          },
        );
      }
      dropFinalizer('orphan');
      return false;
    }
    if (fins.includes('foregroundDeletion')) {
      for (const d of deps) {
        const rt = this.rtOf(d);
        if (rt && !this.get(d)?.metadata.deletionTimestamp)
          this.client.delete(d.cluster, rt.group, rt.resource, d.namespace || undefined, d.name, {
            propagationPolicy: 'Foreground',
          });
      }
      if (deps.length > 0) return true;
      dropFinalizer('foregroundDeletion');
    }
    return false;
  }
}
