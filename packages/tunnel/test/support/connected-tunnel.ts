import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PodSubresourceForwarder } from '../../src/agent/forwarder.js';
import { TunnelClient } from '../../src/agent/tunnel-client.js';
import { TunnelServer } from '../../src/server/tunnel-server.js';
import { TARGET, TOKENS } from './harness.js';
import type { HttpKubeClient } from './http-kube-client.js';

export interface ConnectedTunnel {
  readonly server: TunnelServer;
  readonly agent: TunnelClient;
  /** http:// base URL of the upstream HTTP handler (`/syncers/...`). */
  readonly baseUrl: string;
  close(): Promise<void>;
}

/**
 * A TunnelServer on 127.0.0.1 behind node:http and an agent for TARGET forwarding pod subresources to
 * `downstream`, connected to it (within 10 s).
 */
export async function connectedTunnel(downstream: HttpKubeClient): Promise<ConnectedTunnel> {
  const server = new TunnelServer({ authenticate: (token) => TOKENS[token] });
  const http = createServer(server.httpHandler());
  server.attach(http);
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const port = (http.address() as AddressInfo).port;
  const agent = new TunnelClient(
    { url: `ws://127.0.0.1:${port}${server.path}`, token: 'token-1', backoff: { initialMs: 20, maxMs: 200 } },
    TARGET,
    new PodSubresourceForwarder(downstream, TARGET),
  );
  agent.start();
  await server.waitForConnection(TARGET, AbortSignal.timeout(10_000));
  return {
    server,
    agent,
    baseUrl: `http://127.0.0.1:${port}`,
    async close() {
      await agent.close();
      await server.close();
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}
