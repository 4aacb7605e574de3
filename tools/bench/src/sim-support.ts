import { Agent, type IncomingMessage, request } from 'node:http';
import { Worker } from 'node:worker_threads';
import type { SimCommand, SimReply } from './sim-worker.js';

/** Drives the simulator worker thread with request/reply messages. */
export class SimWorker {
  private readonly worker = new Worker(new URL('./sim-worker.js', import.meta.url));

  send<C extends SimCommand['cmd']>(
    command: Extract<SimCommand, { cmd: C }>,
  ): Promise<Extract<SimReply, { cmd: C }>> {
    return new Promise((resolve, reject) => {
      this.worker.once('message', (reply: SimReply | { cmd: 'error'; error: string }) => {
        if (reply.cmd === 'error') reject(new Error(reply.error));
        else resolve(reply as Extract<SimReply, { cmd: C }>);
      });
      this.worker.postMessage(command);
    });
  }

  async close(): Promise<void> {
    await this.send({ cmd: 'stop' });
    await this.worker.terminate();
  }
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

export const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;

export { Agent };

/** One HTTP request with node:http (keep-alive through `agent`); resolves with status and body text. */
export function httpRequest(
  url: string,
  opts: { method?: string; body?: string; agent?: Agent } = {},
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: opts.method ?? 'GET',
        ...(opts.agent ? { agent: opts.agent } : {}),
        headers:
          opts.body !== undefined
            ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(opts.body) }
            : {},
      },
      (res) => readAnswer(res, resolve, reject),
    );
    req.on('error', reject);
    req.end(opts.body);
  });
}

/** Reads a whole answer: its status and body text. */
export function readAnswer(
  res: IncomingMessage,
  resolve: (answer: { status: number; body: string }) => void,
  reject: (error: Error) => void,
): void {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
  res.on('error', reject);
}

/** Opens a streaming GET (a watch); resolves with the response once headers arrive. */
export function httpStream(url: string): Promise<{ res: IncomingMessage; abort: () => void }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent: false }, (res) => resolve({ res, abort: () => req.destroy() }));
    req.on('error', reject);
    req.end();
  });
}
