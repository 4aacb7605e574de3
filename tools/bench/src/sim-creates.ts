import type { Benchmark } from './registry.js';
import { Agent, httpRequest, round, SimWorker } from './sim-support.js';

// Creates per second over HTTP with 16 concurrent clients (keep-alive), against the simulator and, in the
// same run, against a bare HTTP server that only echoes the body (the HTTP ceiling of this machine).
// Also the in-process create rate (API semantics without HTTP).

const CLIENTS = 16;
const PER_CLIENT = 500;

async function run(
  url: string,
  path: (i: number) => string,
): Promise<{ perSec: number; ms: number; errors: number }> {
  const agent = new Agent({ keepAlive: true, maxSockets: CLIENTS });
  let errors = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: CLIENTS }, async (_, c) => {
      for (let i = 0; i < PER_CLIENT; i++) {
        const n = c * PER_CLIENT + i;
        const body = JSON.stringify({
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: { name: `cm-${n}` },
          data: { k: 'v'.repeat(200) },
        });
        const res = await httpRequest(`${url}${path(n)}`, { method: 'POST', body, agent });
        if (res.status !== 201) errors++;
      }
    }),
  );
  const ms = performance.now() - start;
  agent.destroy();
  return { perSec: round((CLIENTS * PER_CLIENT) / (ms / 1000), 0), ms: round(ms, 0), errors };
}

export const simCreates: Benchmark = {
  name: 'sim-creates',
  description: `ConfigMap creates/s over HTTP, ${CLIENTS} concurrent keep-alive clients x ${PER_CLIENT}, vs a bare echo server and in-process`,
  async run() {
    const worker = new SimWorker();
    try {
      const { url } = await worker.send({ cmd: 'start' });
      const { url: baseUrl } = await worker.send({ cmd: 'baseline' });
      // Warm up both paths (JIT, connections) before measuring.
      await run(baseUrl, () => '/warm');
      const baseline = await run(baseUrl, () => '/api/v1/namespaces/default/configmaps');
      const sim = await run(url, () => '/api/v1/namespaces/default/configmaps');
      const inProc = await worker.send({ cmd: 'inProcessCreates', count: 20_000 });
      return {
        clients: CLIENTS,
        creates: CLIENTS * PER_CLIENT,
        simulatorCreatesPerSec: sim.perSec,
        simulatorErrors: sim.errors,
        bareHttpEchoPerSec: baseline.perSec,
        simulatorToBareHttpRatio: round(sim.perSec / baseline.perSec),
        inProcessCreatesPerSec: round(20_000 / (inProc.ms / 1000), 0),
      };
    } finally {
      await worker.close();
    }
  },
};
