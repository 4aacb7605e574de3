// The simulator for the informer benchmarks, in its own thread: its store and its serialization must not be
// counted in the informer's heap (process.memoryUsage().heapUsed is per thread), nor steal the informer's
// event loop.
import { parentPort } from 'node:worker_threads';
import { type KubeSimulator, startKubeSimulator } from '@kcp-tmc/testing';

export type WorkerCommand =
  | { cmd: 'start' }
  | { cmd: 'seed'; count: number; namespaces: number }
  | { cmd: 'churn'; ratePerSec: number; durationMs: number; namespace: string; objects: number }
  | { cmd: 'stop' };

export type WorkerReply =
  | { cmd: 'start'; kubeconfig: string }
  | { cmd: 'seed'; created: number }
  | { cmd: 'churn'; sent: number }
  | { cmd: 'stop' };

/** When a change was made, stamped on the object so the receiver can measure delivery. */
export const SENT_AT_ANNOTATION = 'bench.kcp-tmc.io/sent-at';

let sim: KubeSimulator | undefined;

function requireSim(): KubeSimulator {
  if (sim === undefined) throw new Error('simulator not started');
  return sim;
}

function target(
  resource: string,
  group: string,
  version: string,
  namespace: string | undefined,
  name?: string,
) {
  const s = requireSim();
  const rt = s.service.registry.lookupGroupResource('', group, resource);
  if (rt === undefined) throw new Error(`no ${resource}`);
  return { cluster: '', rt, version, namespace, ...(name === undefined ? {} : { name }) };
}

/** A Deployment of about 1 KiB of JSON, shaped like what a syncer caches (labels, annotations, a pod spec). */
function deployment(i: number, namespace: string) {
  const app = `app-${i}`;
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: `deploy-${i}`,
      namespace,
      labels: { app, 'state.workload.kcp.io/2ZTiBcsjbUudmyBOJrYuKeHpStZoqcA2XWOXEI': 'Sync' },
      annotations: { 'kcp.io/cluster': `root:org:ws-${i % 3}` },
    },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app } },
      template: {
        metadata: { labels: { app } },
        spec: {
          containers: [
            {
              name: 'main',
              image: 'registry.example.com/team/service:1.27.3',
              ports: [{ containerPort: 8080, name: 'http' }],
              env: [{ name: 'MODE', value: 'production' }],
              resources: { requests: { cpu: '100m', memory: '64Mi' }, limits: { memory: '128Mi' } },
            },
          ],
        },
      },
    },
  };
}

async function handle(message: WorkerCommand): Promise<WorkerReply> {
  switch (message.cmd) {
    case 'start': {
      sim = await startKubeSimulator({ historySize: 200_000 });
      return { cmd: 'start', kubeconfig: sim.kubeconfig };
    }
    case 'seed': {
      const s = requireSim();
      for (let n = 0; n < message.namespaces; n++) {
        s.service.create(target('namespaces', '', 'v1', undefined), {
          apiVersion: 'v1',
          kind: 'Namespace',
          metadata: { name: `bench-${n}` },
        });
      }
      for (let i = 0; i < message.count; i++) {
        const ns = `bench-${i % message.namespaces}`;
        s.service.create(target('deployments', 'apps', 'v1', ns), deployment(i, ns));
      }
      return { cmd: 'seed', created: message.count };
    }
    case 'churn': {
      const s = requireSim();
      const start = performance.now();
      let sent = 0;
      // Paced by elapsed time, so the rate holds even when a tick runs late.
      await new Promise<void>((resolve) => {
        const tick = setInterval(() => {
          const elapsed = performance.now() - start;
          const due = Math.min(
            Math.floor((elapsed * message.ratePerSec) / 1000),
            Math.floor((message.durationMs * message.ratePerSec) / 1000),
          );
          while (sent < due) {
            const i = sent % message.objects;
            const t = target('deployments', 'apps', 'v1', message.namespace, `deploy-${i}`);
            const current = s.service.get(t);
            const annotations = {
              ...current.metadata.annotations,
              [SENT_AT_ANNOTATION]: String(performance.timeOrigin + performance.now()),
            };
            s.service.update(t, { ...current, metadata: { ...current.metadata, annotations } });
            sent++;
          }
          if (elapsed >= message.durationMs) {
            clearInterval(tick);
            resolve();
          }
        }, 5);
      });
      return { cmd: 'churn', sent };
    }
    case 'stop': {
      await sim?.stop();
      sim = undefined;
      return { cmd: 'stop' };
    }
  }
}

parentPort?.on('message', (message: WorkerCommand) => {
  handle(message).then(
    (reply) => parentPort?.postMessage(reply),
    (err: unknown) => parentPort?.postMessage({ cmd: 'error', error: String(err) }),
  );
});
