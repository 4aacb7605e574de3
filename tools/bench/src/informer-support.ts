import { Worker } from 'node:worker_threads';
import { ClusterConnection, DynamicClient, loadKubeConfig, RestMapper, Transport } from '@kcp-tmc/kube';
import type { WorkerCommand, WorkerReply } from './informer-sim-worker.js';

/** The simulator running in a worker thread, driven by messages. */
export class SimulatorThread {
  private readonly worker = new Worker(new URL('./informer-sim-worker.js', import.meta.url));

  async send<C extends WorkerCommand['cmd']>(
    command: Extract<WorkerCommand, { cmd: C }>,
  ): Promise<Extract<WorkerReply, { cmd: C }>> {
    return new Promise((resolve, reject) => {
      this.worker.once('message', (reply: WorkerReply | { cmd: 'error'; error: string }) => {
        if (reply.cmd === 'error') reject(new Error(reply.error));
        else resolve(reply as Extract<WorkerReply, { cmd: C }>);
      });
      this.worker.postMessage(command);
    });
  }

  async close(): Promise<void> {
    await this.send({ cmd: 'stop' });
    await this.worker.terminate();
  }
}

/** A client without rate limiting (the benchmark measures the informer, not the token bucket). */
export function benchClient(kubeconfig: string): { client: DynamicClient; close(): Promise<void> } {
  const connection = new ClusterConnection(loadKubeConfig({ kubeconfig }));
  const transport = new Transport(connection, { qps: 0, timeoutMs: 300_000 });
  return { client: new DynamicClient(transport, new RestMapper(transport)), close: () => connection.close() };
}

export function gc(): void {
  const collect = (globalThis as { gc?: () => void }).gc;
  if (collect === undefined) throw new Error('run with node --expose-gc');
  // Twice: the first pass can leave weakly held garbage for the second.
  collect();
  collect();
}

/**
 * Heap in use once garbage is gone: collects until two readings agree within 256 KiB, letting the event loop
 * turn between them (an aborted stream releases its buffers a few ticks after the abort).
 */
export async function settledHeap(): Promise<number> {
  let last = Number.POSITIVE_INFINITY;
  for (let i = 0; i < 20; i++) {
    gc();
    const now = process.memoryUsage().heapUsed;
    if (Math.abs(now - last) < 256 * 1024) return now;
    last = now;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return last;
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, index)] as number;
}

export const round = (n: number, digits = 2): number => Number(n.toFixed(digits));
