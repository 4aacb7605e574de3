import { type KubeSimulator, type RealKubeApiserver, startRealKubeApiserver } from '@kcp-tmc/testing';
import { waitFor } from '@kcp-tmc/testing/kit';
import { startWorld, type World } from '../e2e/support.js';
import { startFront } from './front.js';
import type { Scenario } from './harness.js';
import { churn, FAULT_MS } from './load.js';

/**
 * The upstream simulator with a real kube-apiserver (and its etcd) downstream. The agent talks to the real
 * server; the suite reads it through a plain-HTTP front that adds the admin token, as it reads a simulator.
 */
async function startRealDownstreamWorld(): Promise<{ world: World; real: RealKubeApiserver }> {
  const real = await startRealKubeApiserver();
  try {
    const simulators = await startWorld();
    await simulators.downstream.stop();
    const front = await startFront({ url: real.url, caPem: real.caCertPem, token: real.token });
    // Only what the harness and this scenario use of a downstream: its URL (the front) and the kubeconfig
    // the agent runs with (the real server's own). No fault injection or fake controllers here.
    const downstream = { url: front.url, kubeconfigPath: real.kubeconfigPath } as unknown as KubeSimulator;
    return {
      real,
      world: {
        upstream: simulators.upstream,
        downstream,
        async stop() {
          await Promise.all([simulators.upstream.stop(), front.stop(), real.stop()]);
        },
      },
    };
  } catch (error) {
    await real.stop();
    throw error;
  }
}

/**
 * etcd under the real kube-apiserver is killed (-9) while the workload changes, and restarted on the same data
 * directory after the fault's length: the apiserver answers errors meanwhile, its watch caches re-list after.
 * Healed once the apiserver is ready again.
 */
export function etcdRestart(): Scenario {
  let real: RealKubeApiserver | undefined;
  return {
    name: 'downstream etcd restart (real kube-apiserver)',
    async world() {
      const started = await startRealDownstreamWorld();
      real = started.real;
      return started.world;
    },
    async run(context) {
      if (real === undefined) throw new Error('no real server');
      const server = real;
      await server.killEtcd();
      await Promise.all([churn(context), new Promise((resolve) => setTimeout(resolve, FAULT_MS))]);
      await server.restartEtcd();
      const etcdBack = Date.now();
      // The fault heals when the apiserver serves again, not when etcd is back: after a long outage the
      // apiserver's etcd client reconnects on its own backoff (10-16 s after a 30 s outage, measured), and no
      // client can write before that. Its figure is reported beside the agent's recovery.
      context.note(
        'apiserver ready after etcd ms',
        (await apiserverReady(context.world.downstream.url)) - etcdBack,
      );
    },
  };
}

/** When the apiserver's /readyz (its etcd check included) answers 200 again: the server's own recovery. */
async function apiserverReady(frontUrl: string): Promise<number> {
  return waitFor(
    'the kube-apiserver ready after etcd restarted',
    async () => (await fetch(`${frontUrl}/readyz`, { signal: AbortSignal.timeout(1_000) })).ok && Date.now(),
    { timeoutMs: 60_000, intervalMs: 50 },
  );
}
