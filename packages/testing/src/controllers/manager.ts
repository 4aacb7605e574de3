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
  private readonly queues: WorkQueue[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly unsubscribe: () => void;
  private tick = 0;

  constructor(
    service: ResourceService,
    logs: PodLogStore,
    options: ControllerOptions,
    gate: () => Promise<void>,
  ) {
    const o = { deployments: true, jobs: true, pods: true, namespaces: true, gc: true, ...options };
    const readyDelay = o.podReadyDelayMs ?? 100;
    const jobDuration = o.jobPodDurationMs ?? readyDelay;
    const logInterval = o.logIntervalMs ?? 1000;
    this.client = new InProcessClient(service);
    const client = this.client;
    const queue = (fn: (cluster: string, ns: string, name: string) => unknown) => {
      const q: WorkQueue = new WorkQueue((k) => {
        const [cluster, ns, name] = parseKey(k);
        if (fn(cluster, ns, name) === true) q.addAfter(k, 50);
      }, gate);
      this.queues.push(q);
      return q;
    };
    const deployQ = queue((c, ns, n) => reconcileDeployment(client, c, ns, n));
    const rsQ = queue((c, ns, n) => reconcileReplicaSet(client, c, ns, n));
    const jobQ = queue((c, ns, n) => reconcileJob(client, c, ns, n));
    const nsQ = queue((c, _ns, n) => reconcileNamespace(client, service, c, n));
    const kubelet = new FakeKubelet(client, logs);
    const startQ = queue((c, ns, n) => kubelet.start(c, ns, n));
    const completeQ = queue((c, ns, n) => kubelet.complete(c, ns, n));
    const gcQ = new WorkQueue((uid) => {
      if (gc?.reconcile(uid)) gcQ.addAfter(uid, 50);
    }, gate);
    this.queues.push(gcQ);
    const gc = o.gc ? new GarbageCollector(client, service, (uid) => gcQ.add(uid)) : undefined;

    const later = (ms: number, fn: () => void) => {
      const t = setTimeout(() => {
        this.timers.delete(t);
        fn();
      }, ms);
      this.timers.add(t);
    };

    const owner = (cluster: string, obj: KubeObject, kind: string, q: WorkQueue) => {
      const ref = controllerOf(obj);
      if (ref?.kind === kind) q.add(key(cluster, obj.metadata.namespace ?? '', ref.name));
    };

    const onEvent = (e: ChangeEvent) => {
      gc?.observe(e);
      const obj = e.object;
      const k = key(e.cluster, obj.metadata.namespace ?? '', obj.metadata.name!);
      switch (e.gr) {
        case 'apps/deployments':
          if (o.deployments && e.type !== 'DELETED') deployQ.add(k);
          break;
        case 'apps/replicasets':
          if (o.deployments) {
            if (e.type !== 'DELETED') rsQ.add(k);
            owner(e.cluster, obj, 'Deployment', deployQ);
          }
          break;
        case 'batch/jobs':
          if (o.jobs && e.type !== 'DELETED') jobQ.add(k);
          break;
        case '/pods':
          if (o.pods && e.type === 'ADDED') later(readyDelay, () => startQ.add(k));
          if (
            o.pods &&
            e.type === 'MODIFIED' &&
            podPhase(obj) === 'Running' &&
            e.previous &&
            podPhase(e.previous) !== 'Running' &&
            runsToCompletion(obj)
          ) {
            later(jobDuration, () => completeQ.add(k));
          }
          if (e.type === 'DELETED') logs.removePod(e.cluster, obj.metadata.namespace!, obj.metadata.name!);
          if (o.deployments) owner(e.cluster, obj, 'ReplicaSet', rsQ);
          if (o.jobs) owner(e.cluster, obj, 'Job', jobQ);
          break;
        case '/namespaces':
          if (o.namespaces && obj.metadata.deletionTimestamp && e.type !== 'DELETED')
            nsQ.add(key(e.cluster, '', obj.metadata.name!));
          break;
      }
    };
    this.unsubscribe = service.store.onChange(onEvent);
    // Objects that exist before the controllers start are reconciled too.
    for (const gr of ['apps/deployments', 'apps/replicasets', 'batch/jobs', '/pods', '/namespaces']) {
      for (const { cluster, object } of service.store.list('*', gr)) {
        onEvent({ type: 'ADDED', rv: 0, cluster, gr, object, previous: undefined });
      }
    }
    if (o.pods && logInterval > 0) {
      const interval = setInterval(() => {
        this.tick++;
        let n = 0;
        for (const { cluster, object } of service.store.list('*', '/pods')) {
          if (podPhase(object) !== 'Running') continue;
          kubelet.tick(cluster, object, this.tick);
          if (++n >= 500) break;
        }
      }, logInterval);
      interval.unref();
      this.timers.add(interval);
    }
  }

  stop(): void {
    this.unsubscribe();
    for (const q of this.queues) q.stop();
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }
}
