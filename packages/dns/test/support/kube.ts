import type { KubeClient } from '@kcp-tmc/interfaces';
import { ClusterConnection, DynamicClient, loadKubeConfig, RestMapper, Transport } from '@kcp-tmc/kube';

/** A raw-JSON client over a kubeconfig, built as registerKube builds it (no DI), with quick retries. */
export function clientFor(kubeconfig: string): { client: KubeClient; close(): Promise<void> } {
  const connection = new ClusterConnection(loadKubeConfig({ kubeconfig }));
  const transport = new Transport(connection, { qps: 0, baseDelayMs: 10, maxDelayMs: 50 });
  return { client: new DynamicClient(transport, new RestMapper(transport)), close: () => connection.close() };
}
