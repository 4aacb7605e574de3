import { KubeConfig } from '@kubernetes/client-node';
import { DynamicClient } from '../../src/client/dynamic-client.js';
import {
  ClusterConnection,
  type ClusterConnectionOptions,
  loadKubeConfig,
} from '../../src/config/kubeconfig.js';
import { RestMapper, type RestMapperOptions } from '../../src/discovery/rest-mapper.js';
import { Transport, type TransportOptions } from '../../src/http/transport.js';

export interface TestClient {
  client: DynamicClient;
  transport: Transport;
  connection: ClusterConnection;
  close(): Promise<void>;
}

export interface TestClientOptions {
  /** Kubeconfig context to use instead of the current one. */
  context?: string;
  transport?: TransportOptions;
  connection?: ClusterConnectionOptions;
  discovery?: RestMapperOptions;
}

/**
 * A client over a kubeconfig, built the way registerKube builds it (no DI), with test-friendly retries. Its
 * requests are authenticated by client-node's KubeConfig, as integration tests are (the agent's own loader is
 * tested in kubeconfig-load.test.ts).
 */
export function clientFor(kubeconfig: string, options: TestClientOptions = {}): TestClient {
  const kc = new KubeConfig();
  kc.loadFromString(kubeconfig);
  const source =
    options.context === undefined ? { kubeConfig: kc } : { kubeConfig: kc, context: options.context };
  const connection = new ClusterConnection(loadKubeConfig(source), options.connection);
  const transport = new Transport(connection, {
    qps: 0,
    baseDelayMs: 10,
    maxDelayMs: 50,
    ...options.transport,
  });
  const client = new DynamicClient(transport, new RestMapper(transport, options.discovery));
  return { client, transport, connection, close: () => connection.close() };
}
