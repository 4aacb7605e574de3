import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { NAMESPACE_LOCATOR_ANNOTATION, type SyncTargetRef } from '@kcp-tmc/interfaces';
import { TunnelServer } from '@kcp-tmc/tunnel';
import { call, KEY, ST_CLUSTER, ST_NAME, WORKSPACES } from '../e2e/support.js';
import { startFront } from './front.js';
import type { ChaosContext, Scenario } from './harness.js';
import { until } from './harness.js';
import { churn } from './load.js';

const TOKEN = 'chaos-tunnel-token';
const POD = 'chatty';
const CONTAINER = 'main';
const RECONNECT_BAR_MS = 5_000;

/** The upstream's tunnel endpoint, restartable: a restart closes every agent session and serves anew. */
class RestartableTunnel {
  current: TunnelServer;
  constructor(private readonly ref: SyncTargetRef) {
    this.current = this.make();
  }
  private make(): TunnelServer {
    return new TunnelServer({ authenticate: (token) => (token === TOKEN ? this.ref : undefined) });
  }
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean {
    return this.current.handleUpgrade(req, socket, head);
  }
  async restart(): Promise<void> {
    const old = this.current;
    this.current = this.make();
    await old.close();
  }
}

/**
 * The agent reaches its upstream through a TLS front that also serves kcp's tunnel endpoint on the same host;
 * a pod's log streams through the tunnel while the workload changes, and the tunnel server restarts. The agent
 * must reconnect (within 5 s), the log must stream again, and the sync must lose nothing.
 */
export function tunnelReconnect(): Scenario {
  let tunnel: RestartableTunnel | undefined;
  return {
    name: 'tunnel reconnect under load (logs streaming)',
    bar: { 'tunnel reconnect ms': RECONNECT_BAR_MS },
    async firstAgent(context) {
      const st = `/clusters/${ST_CLUSTER}/apis/workload.kcp.io/v1alpha1/synctargets/${ST_NAME}`;
      const uid = (await call(context.world.upstream.url, st)).json.metadata.uid as string;
      const ref: SyncTargetRef = { cluster: ST_CLUSTER, name: ST_NAME, uid, key: KEY };
      const restartable = new RestartableTunnel(ref);
      tunnel = restartable;
      const front = await startFront(context.world.upstream.url, {
        tls: true,
        token: TOKEN,
        path: '/clusters/root',
        upgrade: (req, socket, head) => restartable.upgrade(req, socket, head),
      });
      context.defer(async () => {
        await restartable.current.close();
        await front.stop();
      });
      const patched = await call(context.world.upstream.url, `${st}/status`, 'PATCH', {
        status: { tunnelWorkspaces: [{ url: `${front.url}/tunnel` }] },
      });
      if (patched.status !== 200) throw new Error(`SyncTarget status: ${patched.status}`);
      return {
        upstreamKubeconfig: front.kubeconfigPath,
        flags: ['--feature-gates=Tunnel=true', '--tunnel=websocket'],
      };
    },
    async run(context) {
      if (tunnel === undefined) throw new Error('no tunnel');
      const restartable = tunnel;
      const ref = await until(
        () => restartable.current.connected().length > 0,
        'the agent to dial',
        10_000,
      ).then(() => restartable.current.connected()[0] as SyncTargetRef);
      await startChattyPod(context);
      const logs = followLogs(context, restartable, ref);
      context.defer(() => logs.stop());
      await until(() => logs.lines() > 0, 'log lines through the tunnel', 10_000);
      const restart = async () => {
        context.fault.start = Date.now();
        await restartable.restart();
        await until(() => restartable.current.isConnected(ref), 'the agent to reconnect', 30_000);
        context.fault.end = Date.now();
        context.note('tunnel reconnect ms', context.fault.end - context.fault.start);
        const before = logs.lines();
        await until(() => logs.lines() > before, 'the log to stream again', 10_000);
        context.note('log stream resumed ms', Date.now() - context.fault.start);
      };
      await Promise.all([churn(context), restart()]);
      const before = logs.lines();
      await until(() => logs.lines() > before + 5, 'the log to keep streaming', 10_000);
      context.note('log lines after reconnect', logs.lines() - before);
    },
  };
}

/** A pod downstream, in the downstream namespace of `bulk` of the first workspace, writing a line every 100 ms. */
async function startChattyPod(context: ChaosContext): Promise<void> {
  const { downstream } = context.world;
  const namespaces = (await call(downstream.url, '/api/v1/namespaces')).json.items ?? [];
  const namespace = namespaces.find((ns) => {
    const locator = ns.metadata.annotations?.[NAMESPACE_LOCATOR_ANNOTATION];
    return (
      locator !== undefined &&
      JSON.parse(locator).cluster === WORKSPACES[0] &&
      JSON.parse(locator).namespace === 'bulk'
    );
  })?.metadata.name as string;
  const created = await call(downstream.url, `/api/v1/namespaces/${namespace}/pods`, 'POST', {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: POD },
    spec: { containers: [{ name: CONTAINER, image: 'busybox' }] },
  });
  if (created.status !== 201) throw new Error(`pod create: ${created.status}`);
  let tick = 0;
  const timer = setInterval(
    () => downstream.logs.append('', namespace, POD, CONTAINER, `tick ${tick++}`),
    100,
  );
  context.defer(() => clearInterval(timer));
}

/** Follows the pod's log through whichever tunnel server runs now, reopening the stream when it breaks. */
function followLogs(
  context: ChaosContext,
  tunnel: RestartableTunnel,
  ref: SyncTargetRef,
): { lines(): number; stop(): void } {
  let lines = 0;
  const controller = new AbortController();
  const path = `/clusters/${WORKSPACES[0]}/api/v1/namespaces/bulk/pods/${POD}/log?follow=true`;
  void (async () => {
    while (!controller.signal.aborted) {
      try {
        const answer = await tunnel.current.send(ref, { path, signal: controller.signal });
        if (answer.status !== 200) throw new Error(`log: ${answer.status}`);
        const decoder = new TextDecoder();
        for await (const chunk of answer.body) lines += decoder.decode(chunk).split('\n').length - 1;
      } catch {
        // The tunnel went away (the fault): follow again once it is back.
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  })();
  context.defer(() => controller.abort());
  return { lines: () => lines, stop: () => controller.abort() };
}
