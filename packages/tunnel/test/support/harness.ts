import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  DOWNSTREAM_CLUSTER_LABEL,
  NAMESPACE_LOCATOR_ANNOTATION,
  namespaceLocator,
  namespaceLocatorToJson,
  physicalClusterNamespaceName,
  type SyncTargetRef,
  toSyncTargetKey,
} from '@kcp-tmc/interfaces';
import {
  EXEC_SUBRESOURCES,
  LOG_SUBRESOURCES,
  type PodForwarderOptions,
  PodSubresourceForwarder,
} from '../../src/agent/forwarder.js';
import { TunnelClient, type TunnelClientOptions } from '../../src/agent/tunnel-client.js';
import { WebSocketUpgrader } from '../../src/agent/upgrader.js';
import { TunnelServer, type TunnelServerOptions } from '../../src/server/tunnel-server.js';
import { HttpKubeClient } from './http-kube-client.js';
import { LogServer } from './log-server.js';

export function syncTargetRef(cluster: string, name: string, uid: string): SyncTargetRef {
  return { cluster, name, uid, key: toSyncTargetKey(cluster, name) };
}

/** The SyncTarget the agent under test serves, and a second one whose namespaces it must not reach. */
export const TARGET = syncTargetRef('root:org', 'cluster-1', 'uid-1');
export const OTHER_TARGET = syncTargetRef('root:org', 'cluster-2', 'uid-2');
export const TOKENS: Record<string, SyncTargetRef> = { 'token-1': TARGET, 'token-2': OTHER_TARGET };

/** Upstream cluster of the workloads. */
export const WORKSPACE = 'root:org:ws';

/** The downstream namespace kcp would create for `namespace` of WORKSPACE synced by `target`. */
export function downstreamNamespaceFor(
  target: SyncTargetRef,
  namespace: string,
  cluster = WORKSPACE,
): string {
  return physicalClusterNamespaceName(namespaceLocator(cluster, target, namespace));
}

function addNamespace(
  logs: LogServer,
  target: SyncTargetRef,
  namespace: string,
  cluster = WORKSPACE,
): string {
  const name = downstreamNamespaceFor(target, namespace, cluster);
  logs.namespaces.push({
    name,
    labels: { [DOWNSTREAM_CLUSTER_LABEL]: target.key },
    annotations: {
      [NAMESPACE_LOCATOR_ANNOTATION]: namespaceLocatorToJson(namespaceLocator(cluster, target, namespace)),
    },
  });
  return name;
}

export interface Harness {
  logs: LogServer;
  downstream: HttpKubeClient;
  http: Server;
  server: TunnelServer;
  /** ws:// URL of the tunnel endpoint. */
  tunnelUrl: string;
  /** http:// base URL of the upstream HTTP handler (`/syncers/...`). */
  baseUrl: string;
  /** Downstream namespace of `default` in WORKSPACE for TARGET. */
  ownNamespace: string;
  /** Downstream namespace of `other` in WORKSPACE for OTHER_TARGET (present on the same cluster). */
  foreignNamespace: string;
  /** An agent serving TARGET; with `exec`, its forwarder also relays WebSocket upgrades (exec, attach). */
  agent(options?: Partial<TunnelClientOptions>, features?: { exec?: boolean }): TunnelClient;
  stop(): Promise<void>;
}

/**
 * A real TunnelServer on 127.0.0.1 behind node:http, a downstream log server holding namespaces of two
 * SyncTargets with kcp's names, labels and locators, and a factory for agents serving TARGET.
 */
export async function startHarness(serverOptions: Partial<TunnelServerOptions> = {}): Promise<Harness> {
  const logs = await new LogServer('downstream-token').start();
  const ownNamespace = addNamespace(logs, TARGET, 'default');
  const foreignNamespace = addNamespace(logs, OTHER_TARGET, 'other');
  // Same upstream namespace, but the locator names an older incarnation of TARGET (different uid): not ours.
  addNamespace(logs, { ...TARGET, uid: 'uid-old' }, 'stale');
  const downstream = new HttpKubeClient(logs.kubeconfig());

  const server = new TunnelServer({ authenticate: (token) => TOKENS[token], ...serverOptions });
  const handler = server.httpHandler();
  const http = createServer(handler);
  server.attach(http, { relay: {} });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const port = (http.address() as AddressInfo).port;
  const agents: TunnelClient[] = [];

  return {
    logs,
    downstream,
    http,
    server,
    tunnelUrl: `ws://127.0.0.1:${port}${server.path}`,
    baseUrl: `http://127.0.0.1:${port}`,
    ownNamespace,
    foreignNamespace,
    agent(options = {}, features = {}) {
      const forwarderOptions: PodForwarderOptions = { namespaceCacheTtlMs: 0 };
      if (features.exec === true) {
        forwarderOptions.subresources = [...LOG_SUBRESOURCES, ...EXEC_SUBRESOURCES];
        forwarderOptions.upgrader = new WebSocketUpgrader({
          server: logs.url,
          options: () => downstream.webSocketOptions(),
        });
      }
      const forwarder = new PodSubresourceForwarder(downstream, TARGET, forwarderOptions);
      const agent = new TunnelClient(
        {
          url: `ws://127.0.0.1:${port}${server.path}`,
          token: 'token-1',
          backoff: { initialMs: 20, maxMs: 200 },
          ...options,
        },
        TARGET,
        forwarder,
      );
      agents.push(agent);
      return agent;
    },
    async stop() {
      await Promise.all(agents.map((agent) => agent.close()));
      await server.close();
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
      await logs.stop();
    },
  };
}

/** Reads a web stream to the end as UTF-8. */
export async function readText(body: ReadableStream<Uint8Array>): Promise<string> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of body) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}
