// tsyringe (imported by the tunnel's injectable classes) needs the Reflect metadata API before it loads.
import 'reflect-metadata';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  DOWNSTREAM_CLUSTER_LABEL,
  type KubeClient,
  type KubeList,
  NAMESPACE_LOCATOR_ANNOTATION,
  namespaceLocator,
  namespaceLocatorToJson,
  physicalClusterNamespaceName,
  type RawRequestInit,
  type SyncTargetRef,
  toSyncTargetKey,
} from '@kcp-tmc/interfaces';
import { PodSubresourceForwarder, TunnelClient, TunnelServer } from '@kcp-tmc/tunnel';
import type { Benchmark } from './registry.js';

// Tunnel vs direct, in one run on one machine: the same downstream log server is read directly over HTTP and
// through TunnelServer.send → agent → downstream. Reported as MB/s and requests/s for each path, and their ratio.
// Then 10,000 tunneled requests with the heap sampled (after GC) every 1,000, to show memory stays flat.

const TARGET: SyncTargetRef = {
  cluster: 'root:bench',
  name: 'cluster-1',
  uid: 'uid-1',
  key: toSyncTargetKey('root:bench', 'cluster-1'),
};
const WORKSPACE = 'root:bench:ws';
const LOCATOR = namespaceLocator(WORKSPACE, TARGET, 'default');
const DOWNSTREAM_NS = physicalClusterNamespaceName(LOCATOR);

const BIG_BYTES = 16 * 1024 * 1024;
const SMALL_LOG = `${'2026-01-01T00:00:00Z level=info msg="request served" status=200 '.repeat(2)}\n`;

/** The downstream: a namespace list with our locator, and pod logs of a fixed size. */
function downstreamServer(): Server {
  const chunk = Buffer.alloc(64 * 1024, 'log line with some text in it\n');
  return createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname === '/api/v1/namespaces') {
      const list = {
        kind: 'NamespaceList',
        apiVersion: 'v1',
        metadata: {},
        items: [
          {
            metadata: {
              name: DOWNSTREAM_NS,
              labels: { [DOWNSTREAM_CLUSTER_LABEL]: TARGET.key },
              annotations: { [NAMESPACE_LOCATOR_ANNOTATION]: namespaceLocatorToJson(LOCATOR) },
            },
          },
        ],
      };
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(list));
      return;
    }
    res.writeHead(200, { 'content-type': 'text/plain' });
    if (url.pathname.endsWith('/pods/small/log')) {
      res.end(SMALL_LOG);
      return;
    }
    // Big log: BIG_BYTES in 64 KiB writes, honouring backpressure like a real server.
    let left = BIG_BYTES;
    const pump = () => {
      while (left > 0) {
        const n = Math.min(left, chunk.byteLength);
        left -= n;
        if (!res.write(n === chunk.byteLength ? chunk : chunk.subarray(0, n))) {
          res.once('drain', pump);
          return;
        }
      }
      res.end();
    };
    pump();
  });
}

/** The two KubeClient calls the forwarder makes, over plain fetch (the downstream here needs no auth). */
function fetchKubeClient(base: string): KubeClient {
  const request = (path: string, init: RawRequestInit = {}) =>
    fetch(base + path, {
      method: init.method ?? 'GET',
      ...(init.headers === undefined ? {} : { headers: init.headers }),
      ...(init.signal === undefined ? {} : { signal: init.signal }),
    });
  const client: Pick<KubeClient, 'request' | 'list'> = {
    request,
    list: async (_gvr, _scope, options) => {
      const response = await request(`/api/v1/namespaces?labelSelector=${options?.labelSelector ?? ''}`);
      return (await response.json()) as KubeList;
    },
  };
  return client as KubeClient;
}

async function drain(body: AsyncIterable<Uint8Array>): Promise<number> {
  let bytes = 0;
  for await (const chunk of body) bytes += chunk.byteLength;
  return bytes;
}

/** Runs `count` calls of `once` with `concurrency` in flight; returns elapsed ms. */
async function runPool(count: number, concurrency: number, once: () => Promise<void>): Promise<number> {
  let started = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (started < count) {
        started++;
        await once();
      }
    }),
  );
  return performance.now() - start;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
const round = (value: number, digits = 2) => Number(value.toFixed(digits));

function heapMiB(): number {
  globalThis.gc?.();
  globalThis.gc?.();
  return process.memoryUsage().heapUsed / (1024 * 1024);
}

export const tunnelThroughput: Benchmark = {
  name: 'tunnel-throughput',
  description:
    'pods/log through TunnelServer.send → agent → downstream vs the same downstream read directly: MB/s ' +
    '(16 MiB logs, 2 at a time), requests/s (small logs, 32 in flight), ratios; heap over 10k tunneled requests',
  async run() {
    const downstream = downstreamServer();
    await new Promise<void>((resolve) => downstream.listen(0, '127.0.0.1', resolve));
    const downstreamUrl = `http://127.0.0.1:${(downstream.address() as AddressInfo).port}`;

    const tunnels = new TunnelServer({ authenticate: (token) => (token === 'bench' ? TARGET : undefined) });
    const upstream = createServer();
    tunnels.attach(upstream);
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    const forwarder = new PodSubresourceForwarder(fetchKubeClient(downstreamUrl), TARGET);
    const agent = new TunnelClient(
      { url: `ws://127.0.0.1:${(upstream.address() as AddressInfo).port}${tunnels.path}`, token: 'bench' },
      TARGET,
      forwarder,
    );
    agent.start();
    await tunnels.waitForConnection(TARGET, AbortSignal.timeout(10_000));

    const logPath = (pod: string) => `/api/v1/namespaces/default/pods/${pod}/log`;
    const direct = async (pod: string) => {
      const response = await fetch(`${downstreamUrl}/api/v1/namespaces/${DOWNSTREAM_NS}/pods/${pod}/log`);
      return drain(response.body as AsyncIterable<Uint8Array>);
    };
    const tunneled = async (pod: string) => {
      const response = await tunnels.send(TARGET, { path: `/clusters/${WORKSPACE}${logPath(pod)}` });
      if (response.status !== 200) throw new Error(`tunnel answered ${response.status}`);
      return drain(response.body);
    };

    try {
      // Warm up both paths (JIT, sockets, namespace cache).
      await runPool(200, 16, async () => void (await direct('small')));
      await runPool(200, 16, async () => void (await tunneled('small')));
      await direct('big');
      await tunneled('big');

      // Throughput: 8 big logs, 2 at a time, alternating paths over 3 rounds; medians.
      const mbps = { direct: [] as number[], tunnel: [] as number[] };
      for (let i = 0; i < 3; i++) {
        for (const [path, read] of [
          ['direct', direct],
          ['tunnel', tunneled],
        ] as const) {
          let bytes = 0;
          const ms = await runPool(8, 2, async () => {
            bytes += await read('big');
          });
          mbps[path].push(bytes / (1024 * 1024) / (ms / 1000));
        }
      }

      // Requests/s: 2,000 small logs, 32 in flight, alternating over 3 rounds; medians.
      const rps = { direct: [] as number[], tunnel: [] as number[] };
      for (let i = 0; i < 3; i++) {
        for (const [path, read] of [
          ['direct', direct],
          ['tunnel', tunneled],
        ] as const) {
          const ms = await runPool(2_000, 32, async () => void (await read('small')));
          rps[path].push(2_000 / (ms / 1000));
        }
      }

      // Memory: 10,000 tunneled requests, heap after GC every 1,000.
      const heap: number[] = [heapMiB()];
      for (let batch = 0; batch < 10; batch++) {
        await runPool(1_000, 32, async () => void (await tunneled('small')));
        heap.push(heapMiB());
      }
      const afterFirstK = heap[1] ?? 0;
      const last = heap[heap.length - 1] ?? 0;

      const throughputDirect = median(mbps.direct);
      const throughputTunnel = median(mbps.tunnel);
      const rpsDirect = median(rps.direct);
      const rpsTunnel = median(rps.tunnel);
      return {
        throughputMBps: { direct: round(throughputDirect, 1), tunnel: round(throughputTunnel, 1) },
        throughputRatio: round(throughputTunnel / throughputDirect, 3),
        requestsPerSec: { direct: Math.round(rpsDirect), tunnel: Math.round(rpsTunnel) },
        requestsPerSecRatio: round(rpsTunnel / rpsDirect, 3),
        heapMiBEvery1kRequests: heap.map((value) => round(value)),
        heapGrowthMiBFrom1kTo10k: round(last - afterFirstK),
        agentActiveStreamsAfter: agent.stats().activeStreams,
        samples: {
          throughputMBps: {
            direct: mbps.direct.map((v) => round(v, 1)),
            tunnel: mbps.tunnel.map((v) => round(v, 1)),
          },
          requestsPerSec: { direct: rps.direct.map(Math.round), tunnel: rps.tunnel.map(Math.round) },
        },
      };
    } finally {
      await agent.close();
      await tunnels.close();
      upstream.closeAllConnections();
      downstream.closeAllConnections();
      await new Promise<void>((resolve) => upstream.close(() => resolve()));
      await new Promise<void>((resolve) => downstream.close(() => resolve()));
    }
  },
};
