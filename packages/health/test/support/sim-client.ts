import { ClusterConnection, DynamicClient, loadKubeConfig, RestMapper, Transport } from '@kcp-tmc/kube';

export interface SimClient {
  client: DynamicClient;
  close(): Promise<void>;
}

/** The real client stack (client-node auth, our transport, discovery) over a kubeconfig, without DI. */
export function simClient(
  kubeconfig: string,
  options: {
    qps?: number;
    retries?: number;
    baseDelayMs?: number;
    context?: string;
    discoveryCluster?: string;
  } = {},
): SimClient {
  const source = options.context === undefined ? { kubeconfig } : { kubeconfig, context: options.context };
  const connection = new ClusterConnection(loadKubeConfig(source));
  const transport = new Transport(connection, {
    qps: options.qps ?? 0,
    baseDelayMs: options.baseDelayMs ?? 10,
    maxDelayMs: Math.max(50, options.baseDelayMs ?? 0),
    ...(options.retries === undefined ? {} : { maxRetries: options.retries }),
  });
  const discovery = options.discoveryCluster === undefined ? {} : { cluster: options.discoveryCluster };
  const client = new DynamicClient(transport, new RestMapper(transport, discovery));
  return { client, close: () => connection.close() };
}
