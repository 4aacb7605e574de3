// What kcp's tunnel needs around it on the real servers of a KcpWorld: a kubelet downstream that serves container
// logs (kube-apiserver proxies pods/log to the pod's node). Pods served in the workspace (kcp's pod-subresource
// proxy looks the pod up there before it dials the syncer's tunnel) come from kcp-pods-support.ts.
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { generateServingCertificate, type KcpWorld } from '@kcp-tmc/testing';

/**
 * A kubelet as far as kube-apiserver's pods/log goes: `GET /containerLogs/<namespace>/<pod>/<container>` over
 * TLS (kube-apiserver without --kubelet-certificate-authority does not verify it). Logs are set per pod.
 */
export class FakeKubelet {
  readonly logs = new Map<string, string | Buffer>();
  readonly requested: string[] = [];
  private server: Server | undefined;
  port = 0;

  async start(): Promise<this> {
    const tls = generateServingCertificate();
    this.server = createServer({ key: tls.keyPem, cert: tls.certPem }, (req, res) => {
      this.requested.push(req.url ?? '');
      const match = /^\/containerLogs\/([^/]+)\/([^/]+)\/[^/?]+/.exec(req.url ?? '');
      const log = match === null ? undefined : this.logs.get(`${match[1]}/${match[2]}`);
      if (log === undefined) {
        res.writeHead(404).end('no such container');
        return;
      }
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end(log);
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

/** A Node downstream whose kubelet is `kubelet` on loopback. */
export async function registerNode(world: KcpWorld, name: string, kubelet: FakeKubelet): Promise<void> {
  const created = await world.down('POST', '/api/v1/nodes', {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name },
  });
  if (created.status !== 201) throw new Error(`node: ${created.status} ${JSON.stringify(created.body)}`);
  const status = {
    status: {
      addresses: [{ type: 'InternalIP', address: '127.0.0.1' }],
      daemonEndpoints: { kubeletEndpoint: { Port: kubelet.port } },
    },
  };
  const patched = await world.down(
    'PATCH',
    `/api/v1/nodes/${name}/status`,
    status,
    'application/merge-patch+json',
  );
  if (patched.status !== 200)
    throw new Error(`node status: ${patched.status} ${JSON.stringify(patched.body)}`);
}

export function pod(name: string, namespace: string, extra: Record<string, unknown> = {}) {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace, ...extra },
    spec: { containers: [{ name: 'main', image: 'registry.example/app:1' }] },
  };
}
