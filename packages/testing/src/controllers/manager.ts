import type { ResourceService } from '../api/service.js';
import type { KubeObject } from '../api/types.js';
import type { PodLogStore } from '../server/pod-logs.js';
import type { ChangeEvent } from '../store/store.js';
import { InProcessClient } from './client.js';
import { reconcileDeployment, reconcileReplicaSet } from './deployment.js';
import { GarbageCollector } from './gc.js';
import { reconcileJob } from './job.js';
import { FakeKubelet, runsToCompletion } from './kubelet.js';
import { reconcileNamespace } from './namespace.js';
import { WorkQueue } from './queue.js';
import { controllerOf, key, parseKey, podPhase } from './shared.js';

export interface ControllerOptions {
  /** Deployments → ReplicaSets → Pods, with status (default on). */
  deployments?: boolean;
  /** Jobs run pods to completion (default on). */
  jobs?: boolean;
  /** The fake kubelet: pods become Running/Ready, write logs and Events (default on). */
  pods?: boolean;
  /** Namespace deletion removes the namespace's content, then the namespace (default on). */
  namespaces?: boolean;
  /** Garbage collection through ownerReferences (default on). */
  gc?: boolean;
  /** Delay before a new pod runs and becomes Ready (default 100 ms). */
  podReadyDelayMs?: number;
  /** How long a run-to-completion pod runs before it succeeds (default: podReadyDelayMs). */
  jobPodDurationMs?: number;
  /** Interval of heartbeat log lines of running pods; 0 turns them off (default 1000 ms). */
  logIntervalMs?: number;
}

/**
 * Runs the opt-in fake controllers inside the simulator, driven by the store's change feed (never HTTP),
 * writing through the in-process API with full server semantics.
 */
export class ControllerManager {
  private readonly client: InProcessClient;
  private readonly kubelet: FakeKubelet;
  private readonly queues: WorkQueue[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly unsubscribe: () => void;
  private readonly on: Required<
    Pick<ControllerOptions, 'deployments' | 'jobs' | 'pods' | 'namespaces' | 'gc'>
  >;
  private readonly readyDelay: number;
  private readonly jobDuration: number;
  private readonly q: Record<'deploy' | 'rs' | 'job' | 'ns' | 'start' | 'complete', WorkQueue>;
  private readonly gc: GarbageCollector | undefined;
  private tick = 0;

  constructor(
    private readonly service: ResourceService,
    private readonly logs: PodLogStore,
    options: ControllerOptions,
    private readonly gate: () => Promise<void>,
  ) {
    this.on = { deployments: true, jobs: true, pods: true, namespaces: true, gc: true, ...options };
    this.readyDelay = options.podReadyDelayMs ?? 100;
    this.jobDuration = options.jobPodDurationMs ?? this.readyDelay;
    const logInterval = options.logIntervalMs ?? 1000;
    const client = new InProcessClient(service);
    this.client = client;
    const kubelet = new FakeKubelet(client, logs);
    this.kubelet = kubelet;
    this.q = {
      deploy: this.queue((c, ns, n) => reconcileDeployment(client, { cluster: c, namespace: ns, name: n })),
      rs: this.queue((c, ns, n) => reconcileReplicaSet(client, { cluster: c, namespace: ns, name: n })),
      job: this.queue((c, ns, n) => reconcileJob(client, { cluster: c, namespace: ns, name: n })),
      ns: this.queue((c, _ns, n) => reconcileNamespace(client, service, c, n)),
      start: this.queue((c, ns, n) => kubelet.start(c, ns, n)),
      complete: this.queue((c, ns, n) => kubelet.complete(c, ns, n)),
    };
    this.gc = this.on.gc ? this.garbageCollector() : undefined;
    this.unsubscribe = service.store.onChange((e) => this.route(e));
    // Objects that exist before the controllers start are reconciled too.
    for (const gr of ['apps/deployments', 'apps/replicasets', 'batch/jobs', '/pods', '/namespaces']) {
      for (const { cluster, object } of service.store.list('*', gr)) {
        this.route({ type: 'ADDED', rv: 0, cluster, gr, object, previous: undefined });
      }
    }
    if (this.on.pods && logInterval > 0) this.startLogTicker(logInterval);
  }

  stop(): void {
    this.unsubscribe();
    for (const q of this.queues) q.stop();
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  /** A work queue of `cluster/namespace/name` keys; a reconcile answering true is retried after 50 ms. */
  private queue(fn: (cluster: string, ns: string, name: string) => unknown): WorkQueue {
    const q: WorkQueue = new WorkQueue((k) => {
      const [cluster, ns, name] = parseKey(k);
      if (fn(cluster, ns, name) === true) q.addAfter(k, 50);
    }, this.gate);
    this.queues.push(q);
    return q;
  }

  private garbageCollector(): GarbageCollector {
    const gcQ = new WorkQueue((uid) => {
      if (gc.reconcile(uid)) gcQ.addAfter(uid, 50);
    }, this.gate);
    this.queues.push(gcQ);
    const gc = new GarbageCollector(this.client, this.service, (uid) => gcQ.add(uid));
    return gc;
  }

  private later(ms: number, fn: () => void): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, ms);
    this.timers.add(t);
  }

  /** Queues the object's controller when it is of `kind`. */
  private owner(cluster: string, obj: KubeObject, kind: string, q: WorkQueue): void {
    const ref = controllerOf(obj);
    if (ref?.kind === kind) q.add(key(cluster, obj.metadata.namespace ?? '', ref.name));
  }

  /** Routes a store change to the controllers that watch its resource. */
  private route(e: ChangeEvent): void {
    this.gc?.observe(e);
    const { on, q } = this;
    const obj = e.object;
    const k = key(e.cluster, obj.metadata.namespace ?? '', obj.metadata.name!);
    switch (e.gr) {
      case 'apps/deployments':
        if (on.deployments && e.type !== 'DELETED') q.deploy.add(k);
        break;
      case 'apps/replicasets':
        if (on.deployments) {
          if (e.type !== 'DELETED') q.rs.add(k);
          this.owner(e.cluster, obj, 'Deployment', q.deploy);
        }
        break;
      case 'batch/jobs':
        if (on.jobs && e.type !== 'DELETED') q.job.add(k);
        break;
      case '/pods':
        this.routePod(e, k);
        break;
      case '/namespaces':
        if (on.namespaces && obj.metadata.deletionTimestamp && e.type !== 'DELETED')
          q.ns.add(key(e.cluster, '', obj.metadata.name!));
        break;
    }
  }

  private routePod(e: ChangeEvent, k: string): void {
    const { on, q } = this;
    const obj = e.object;
    if (on.pods && e.type === 'ADDED') this.later(this.readyDelay, () => q.start.add(k));
    if (
      on.pods &&
      e.type === 'MODIFIED' &&
      podPhase(obj) === 'Running' &&
      e.previous &&
      podPhase(e.previous) !== 'Running' &&
      runsToCompletion(obj)
    ) {
      this.later(this.jobDuration, () => q.complete.add(k));
    }
    if (e.type === 'DELETED') this.logs.removePod(e.cluster, obj.metadata.namespace!, obj.metadata.name!);
    if (on.deployments) this.owner(e.cluster, obj, 'ReplicaSet', q.rs);
    if (on.jobs) this.owner(e.cluster, obj, 'Job', q.job);
  }

  /** Heartbeat log lines of running pods (at most 500 a tick). */
  private startLogTicker(intervalMs: number): void {
    const interval = setInterval(() => {
      this.tick++;
      let n = 0;
      for (const { cluster, object } of this.service.store.list('*', '/pods')) {
        if (podPhase(object) !== 'Running') continue;
        this.kubelet.tick(cluster, object, this.tick);
        if (++n >= 500) break;
      }
    }, intervalMs);
    interval.unref();
    this.timers.add(interval);
  }
}
