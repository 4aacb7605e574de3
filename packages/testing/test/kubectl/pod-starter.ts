import type { RealKubeApiserver } from '../../src/real/kube-apiserver.js';
import { realRequest } from '../../src/real/plain-upstream.js';

type Obj = Record<string, unknown>;

/**
 * Stands in for a kubelet next to the real kube-apiserver (which has none): reports every new pod of a
 * namespace Running and Ready, as the simulator's fake kubelet does, so Deployments roll out and
 * `rollout status` and `wait` finish on both servers.
 */
export class RealPodStarter {
  private stopped = false;
  private next = 1;
  private readonly loop: Promise<void>;

  constructor(
    private readonly api: Pick<RealKubeApiserver, 'url' | 'token' | 'caCertPem'>,
    private readonly namespace: string,
    private readonly periodMs = 150,
  ) {
    this.loop = this.run();
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      try {
        await this.startPending();
      } catch {
        // The namespace may not exist yet or be going away: try again next round.
      }
      await new Promise((r) => setTimeout(r, this.periodMs));
    }
  }

  private async startPending(): Promise<void> {
    const list = await realRequest(this.api, 'GET', `/api/v1/namespaces/${this.namespace}/pods`);
    const items = ((list.body as Obj | undefined)?.items ?? []) as Obj[];
    for (const pod of items) {
      const meta = pod.metadata as Obj;
      const status = (pod.status ?? {}) as Obj;
      if (meta.deletionTimestamp || status.phase === 'Running') continue;
      const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
      const ip = `10.244.1.${this.next++ % 250}`;
      const containers = ((pod.spec as Obj).containers ?? []) as Obj[];
      const condition = (type: string) => ({ type, status: 'True', lastTransitionTime: now });
      const body = {
        ...pod,
        status: {
          phase: 'Running',
          conditions: ['PodScheduled', 'Initialized', 'ContainersReady', 'Ready'].map(condition),
          hostIP: '127.0.0.1',
          hostIPs: [{ ip: '127.0.0.1' }],
          podIP: ip,
          podIPs: [{ ip }],
          startTime: now,
          containerStatuses: containers.map((c) => ({
            name: c.name,
            image: c.image,
            imageID: '',
            ready: true,
            started: true,
            restartCount: 0,
            state: { running: { startedAt: now } },
          })),
        },
      };
      await realRequest(
        this.api,
        'PUT',
        `/api/v1/namespaces/${this.namespace}/pods/${String(meta.name)}/status`,
        body,
      );
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.loop;
  }
}
