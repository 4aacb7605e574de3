// The simulator for the sim-* benchmarks, in its own thread, so its heap is measured alone and the client
// side (main thread) does not share its event loop.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parentPort } from 'node:worker_threads';
import { type KubeSimulator, startKubeSimulator } from '@kcp-tmc/testing';

export type SimCommand =
  | { cmd: 'start' }
  | { cmd: 'baseline' }
  | { cmd: 'inProcessCreates'; count: number }
  | { cmd: 'fill'; total: number; payloadBytes: number }
  | { cmd: 'compact' }
  | { cmd: 'stop' };

export type SimReply =
  | { cmd: 'start'; url: string }
  | { cmd: 'baseline'; url: string }
  | { cmd: 'inProcessCreates'; ms: number }
  | { cmd: 'fill'; heapUsed: number; objects: number; jsonBytes: number }
  | { cmd: 'compact'; heapUsed: number }
  | { cmd: 'stop' };

let sim: KubeSimulator | undefined;
let filled = 0;
let jsonBytes = 0;

function heap(): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  gc?.();
  return process.memoryUsage().heapUsed;
}

function cmTarget(s: KubeSimulator) {
  const rt = s.service.registry.lookupGroupResource('', '', 'configmaps')!;
  return { cluster: '', rt, version: 'v1', namespace: 'default' };
}

async function handle(msg: SimCommand): Promise<SimReply> {
  switch (msg.cmd) {
    case 'start':
      sim = await startKubeSimulator({ historySize: 10_000 });
      return { cmd: 'start', url: sim.url };
    case 'baseline': {
      // The same HTTP path with no API work: read the body, answer 201 with it.
      const server = createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => {
          const body = Buffer.concat(chunks);
          res.writeHead(201, { 'content-type': 'application/json', 'content-length': body.length }).end(body);
        });
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      return { cmd: 'baseline', url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
    }
    case 'inProcessCreates': {
      const s = sim!;
      const t = cmTarget(s);
      const start = performance.now();
      for (let i = 0; i < msg.count; i++) {
        s.service.create(t, {
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: { name: `inproc-${i}` },
          data: { a: 'b' },
        });
      }
      return { cmd: 'inProcessCreates', ms: performance.now() - start };
    }
    case 'fill': {
      const s = sim!;
      const t = cmTarget(s);
      const payload = 'x'.repeat(msg.payloadBytes);
      for (; filled < msg.total; filled++) {
        const obj = s.service.create(t, {
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: { name: `fill-${filled}`, labels: { app: `app-${filled % 100}`, tier: 'bench' } },
          data: { payload, index: String(filled) },
        }).object;
        jsonBytes += JSON.stringify(obj).length;
      }
      return { cmd: 'fill', heapUsed: heap(), objects: filled, jsonBytes };
    }
    case 'compact':
      sim!.faults.compact();
      return { cmd: 'compact', heapUsed: heap() };
    case 'stop':
      await sim?.stop();
      return { cmd: 'stop' };
  }
}

parentPort!.on('message', (msg: SimCommand) => {
  handle(msg).then(
    (reply) => parentPort!.postMessage(reply),
    (err: unknown) => parentPort!.postMessage({ cmd: 'error', error: String(err) }),
  );
});
