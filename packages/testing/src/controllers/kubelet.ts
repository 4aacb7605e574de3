import { timestamp } from '../api/meta.js';
import { isPlainObject, type KubeObject } from '../api/types.js';
import type { PodLogStore } from '../server/pod-logs.js';
import type { InProcessClient } from './client.js';
import { type Obj, podPhase, recordEvent, spec } from './shared.js';

let podIpCounter = 0;

function containers(pod: KubeObject): Obj[] {
  const list = spec(pod).containers;
  return Array.isArray(list) ? list.filter(isPlainObject) : [];
}

function nextPodIp(): string {
  podIpCounter++;
  return `10.244.${(podIpCounter >> 8) & 255}.${podIpCounter & 255}`;
}

/** A pod that runs to completion (Job pods) rather than forever. */
export function runsToCompletion(pod: KubeObject): boolean {
  const rp = spec(pod).restartPolicy;
  return rp === 'Never' || rp === 'OnFailure';
}

/**
 * The fake kubelet: brings a pod to Running and Ready (status, container statuses, pod IP), records the
 * kubelet's Events and writes container log lines; pods that run to completion then succeed.
 */
export class FakeKubelet {
  constructor(
    private readonly client: InProcessClient,
    private readonly logs: PodLogStore,
  ) {}

  start(cluster: string, namespace: string, name: string): void {
    const pod = this.client.get(cluster, '', 'pods', namespace, name);
    if (!pod || pod.metadata.deletionTimestamp || podPhase(pod) !== 'Pending') return;
    const now = timestamp();
    recordEvent(
      this.client,
      cluster,
      pod,
      'Normal',
      'Scheduled',
      `Successfully assigned ${namespace}/${name} to sim-node`,
      'default-scheduler',
    );
    const next = runningStatus(pod, now);
    const updated = this.writeStatus(cluster, namespace, name, () => next);
    if (!updated) return;
    for (const c of containers(pod)) this.startContainer(cluster, updated, String(c.name), String(c.image));
  }

  /** The kubelet's Events of one container (Pulled, Created, Started) and its first log lines. */
  private startContainer(cluster: string, pod: KubeObject, container: string, image: string): void {
    const fieldPath = `spec.containers{${container}}`;
    const events: Array<[reason: string, message: string]> = [
      ['Pulled', `Container image "${image}" already present on machine`],
      ['Created', `Created container: ${container}`],
      ['Started', `Started container ${container}`],
    ];
    for (const [reason, message] of events) {
      recordEvent(this.client, cluster, pod, 'Normal', reason, message, 'kubelet', fieldPath);
    }
    const { namespace, name } = pod.metadata;
    this.logs.append(
      cluster,
      namespace!,
      name!,
      container,
      `starting container ${container} (image ${image})`,
    );
    this.logs.append(cluster, namespace!, name!, container, `container ${container} is ready`);
  }

  /** Appends a heartbeat log line to every container of a running pod. */
  tick(cluster: string, pod: KubeObject, n: number): void {
    for (const c of containers(pod)) {
      this.logs.append(
        cluster,
        pod.metadata.namespace!,
        pod.metadata.name!,
        String(c.name),
        `heartbeat ${n}`,
      );
    }
  }

  /** Finishes a running pod that runs to completion: exit 0, phase Succeeded. */
  complete(cluster: string, namespace: string, name: string): void {
    const pod = this.client.get(cluster, '', 'pods', namespace, name);
    if (!pod || podPhase(pod) !== 'Running' || !runsToCompletion(pod)) return;
    const now = timestamp();
    for (const c of containers(pod))
      this.logs.append(cluster, namespace, name, String(c.name), `container ${String(c.name)} completed`);
    this.writeStatus(cluster, namespace, name, (st) => {
      st.phase = 'Succeeded';
      st.conditions = (st.conditions as Obj[]).map((cond) =>
        cond.type === 'Ready' || cond.type === 'ContainersReady'
          ? { ...cond, status: 'False', reason: 'PodCompleted', lastTransitionTime: now }
          : cond,
      );
      st.containerStatuses = (st.containerStatuses as Obj[]).map((cs) => ({
        ...cs,
        ready: false,
        started: false,
        state: {
          terminated: {
            exitCode: 0,
            reason: 'Completed',
            startedAt: (cs.state as { running?: { startedAt?: string } }).running?.startedAt ?? now,
            finishedAt: now,
          },
        },
      }));
      return st;
    });
  }

  /** A kubelet write of a pod's status subresource: `change` turns the current status into the next. */
  private writeStatus(cluster: string, namespace: string, name: string, change: (status: Obj) => Obj) {
    return this.client.mutate(
      cluster,
      '',
      'pods',
      namespace,
      name,
      'kubelet',
      (p) => {
        p.status = change(p.status as Obj);
        return true;
      },
      'status',
    );
  }
}

/** A started pod's status: Running and Ready on the simulator's one node, every container running. */
function runningStatus(pod: KubeObject, now: string): Obj {
  const { namespace, name } = pod.metadata;
  const containerStatuses = containers(pod).map((c) => ({
    name: c.name,
    image: c.image,
    imageID: `${String(c.image)}@sha256:${'0'.repeat(64)}`,
    containerID: `containerd://${Buffer.from(`${namespace}/${name}/${String(c.name)}`)
      .toString('hex')
      .slice(0, 64)}`,
    ready: true,
    started: true,
    restartCount: 0,
    state: { running: { startedAt: now } },
  }));
  const podIP = nextPodIp();
  return {
    phase: 'Running',
    conditions: ['PodReadyToStartContainers', 'Initialized', 'Ready', 'ContainersReady', 'PodScheduled'].map(
      (type) => ({ type, status: 'True', lastProbeTime: null, lastTransitionTime: now }),
    ),
    hostIP: '10.0.0.10',
    hostIPs: [{ ip: '10.0.0.10' }],
    podIP,
    podIPs: [{ ip: podIP }],
    startTime: now,
    containerStatuses,
    qosClass: 'BestEffort',
  };
}
