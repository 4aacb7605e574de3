import {
  DOWNSTREAM_CLUSTER_LABEL,
  NAMESPACE_LOCATOR_ANNOTATION,
  namespaceLocator,
  namespaceLocatorToJson,
  type SyncTargetRef,
} from '@kcp-tmc/interfaces';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeKcpTunnelEndpoint } from '../../test/support/fake-kcp-tunnel.js';
import { downstreamNamespaceFor, OTHER_TARGET, TARGET, WORKSPACE } from '../../test/support/harness.js';
import { HttpKubeClient } from '../../test/support/http-kube-client.js';
import { LogServer } from '../../test/support/log-server.js';
import { waitFor } from '../../test/support/wait.js';
import { TunnelUrlRefused } from '../agent/dial-url.js';
import { EXEC_SUBRESOURCES, LOG_SUBRESOURCES, PodSubresourceForwarder } from '../agent/forwarder.js';
import { WebSocketUpgrader } from '../agent/upgrader.js';
import { tunnelHealthCheck } from '../register.js';
import { DownstreamPodRequestHandler } from './downstream-pod-handler.js';
import { KcpSyncerTunnel } from './kcp-tunnel-client.js';
import { kcpSyncerTunnelUrl } from './syncer-tunnel-url.js';

function addNamespace(logs: LogServer, target: SyncTargetRef, namespace: string): string {
  const name = downstreamNamespaceFor(target, namespace);
  logs.namespaces.push({
    name,
    labels: { [DOWNSTREAM_CLUSTER_LABEL]: target.key },
    annotations: {
      [NAMESPACE_LOCATOR_ANNOTATION]: namespaceLocatorToJson(namespaceLocator(WORKSPACE, target, namespace)),
    },
  });
  return name;
}

describe('kcpSyncerTunnelUrl', () => {
  it("is the SyncTarget's tunnel subresource on the upstream's origin, whatever path the kubeconfig has", () => {
    expect(kcpSyncerTunnelUrl('https://kcp.example:6443/clusters/root:org', '1mkf0habviiif6ta', 'phys')).toBe(
      'https://kcp.example:6443/clusters/1mkf0habviiif6ta/apis/workload.kcp.io/v1alpha1/synctargets/phys/tunnel',
    );
  });

  it('refuses a cleartext upstream, as kcp does', () => {
    expect(() => kcpSyncerTunnelUrl('http://kcp.example', 'c', 'phys')).toThrow(TunnelUrlRefused);
  });
});

describe("kcp's syncer tunnel against kcp's endpoint", () => {
  let kcp: FakeKcpTunnelEndpoint;
  let logs: LogServer;
  let tunnel: KcpSyncerTunnel | undefined;
  let own: string;
  let foreign: string;
  const path = `/clusters/${TARGET.cluster}/apis/workload.kcp.io/v1alpha1/synctargets/${TARGET.name}`;

  beforeEach(async () => {
    kcp = await new FakeKcpTunnelEndpoint().start();
    kcp.tokens.set('token-1', path);
    logs = await new LogServer('downstream-token').start();
    own = addNamespace(logs, TARGET, 'default');
    foreign = addNamespace(logs, OTHER_TARGET, 'other');
  });
  afterEach(async () => {
    await tunnel?.close();
    tunnel = undefined;
    await kcp.stop();
    await logs.stop();
  });

  function startTunnel(token = 'token-1', exec = false, handshakeTimeoutMs = 5_000): KcpSyncerTunnel {
    const downstream = new HttpKubeClient(logs.kubeconfig());
    const policy = new PodSubresourceForwarder(downstream, TARGET, {
      namespaceCacheTtlMs: 0,
      subresources: exec ? [...LOG_SUBRESOURCES, ...EXEC_SUBRESOURCES] : LOG_SUBRESOURCES,
      ...(exec
        ? {
            upgrader: new WebSocketUpgrader({
              server: logs.url,
              options: () => downstream.webSocketOptions(),
            }),
          }
        : {}),
    });
    tunnel = new KcpSyncerTunnel(
      {
        url: kcpSyncerTunnelUrl(kcp.url, TARGET.cluster, TARGET.name),
        token,
        tls: { ca: kcp.tls.caPem },
        backoff: { initialMs: 20, maxMs: 100 },
        handshakeTimeoutMs,
      },
      new DownstreamPodRequestHandler(downstream, TARGET, policy),
    );
    tunnel.start();
    return tunnel;
  }

  it('connects, is ready, and streams the log kcp asks for in an owned namespace', async () => {
    logs.appendLog(own, 'web-1', 'hello', 'world');
    const agent = startTunnel();
    const readyz = tunnelHealthCheck(agent);
    await waitFor(() => agent.state === 'connected' && kcp.connected, 'tunnel connected');
    expect(readyz.check()).toEqual({ healthy: true });
    const answer = await kcp.proxy(`/api/v1/namespaces/${own}/pods/web-1/log`);
    expect(answer).toMatchObject({ status: 200, body: 'hello\nworld\n' });
  });

  it("refuses a pod in another SyncTarget's namespace and in a namespace nobody owns", async () => {
    logs.appendLog(foreign, 'db-1', 'secret');
    startTunnel();
    await waitFor(() => kcp.connected, 'tunnel connected');
    const other = await kcp.proxy(`/api/v1/namespaces/${foreign}/pods/db-1/log`);
    expect(other.status).toBe(403);
    expect(other.body).not.toContain('secret');
    expect(JSON.parse(other.body)).toMatchObject({ kind: 'Status', reason: 'Forbidden' });
    expect((await kcp.proxy('/api/v1/namespaces/kube-system/pods/etcd/log')).status).toBe(403);
    expect((await kcp.proxy(`/api/v1/namespaces/${own}/secrets/x`)).status).toBe(403);
  });

  it('refuses exec unless the agent forwards exec', async () => {
    startTunnel();
    await waitFor(() => kcp.connected, 'tunnel connected');
    const exec = await kcp.proxy(`/api/v1/namespaces/${own}/pods/web-1/exec?command=sh`, {
      connection: 'Upgrade',
      upgrade: 'websocket',
      'sec-websocket-version': '13',
      'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==',
      'sec-websocket-protocol': 'v5.channel.k8s.io',
    });
    expect(exec.status).toBe(403);
    expect(logs.execSessions).toBe(0);
  });

  it('relays exec over WebSocket with --tunnel-exec: stdin in, stdout and the exit status out', async () => {
    logs.appendLog(own, 'web-1', 'running');
    startTunnel('token-1', true);
    await waitFor(() => kcp.connected, 'tunnel connected');
    const ws = await kcp.proxyWebSocket(`/api/v1/namespaces/${own}/pods/web-1/exec?command=sh&stdin=true`, [
      'v5.channel.k8s.io',
    ]);
    expect(ws.protocol).toBe('v5.channel.k8s.io');
    const received: Buffer[] = [];
    ws.on('message', (data: Buffer) => received.push(data));
    const closed = new Promise<number>((resolve) => ws.once('close', resolve));
    ws.send(Buffer.concat([Buffer.from([0]), Buffer.from('echo hi')]));
    await waitFor(() => received.some((m) => m[0] === 1), 'stdout');
    ws.send(Buffer.from([255, 0]));
    expect(await closed).toBe(1000);
    expect(
      received
        .find((m) => m[0] === 1)
        ?.subarray(1)
        .toString(),
    ).toBe('ECHO HI');
    expect(
      JSON.parse(
        received
          .find((m) => m[0] === 3)
          ?.subarray(1)
          .toString() ?? '{}',
      ),
    ).toMatchObject({
      status: 'Success',
    });
    expect(logs.execSessions).toBe(1);
  });

  it('tells kcp when it cannot pick a connection up, and keeps the control connection', async () => {
    startTunnel();
    await waitFor(() => kcp.connected, 'tunnel connected');
    kcp.refuseReverseConnections = 403;
    const answer = kcp.proxy(`/api/v1/namespaces/${own}/pods/web-1/log`);
    await waitFor(() => kcp.fromAgent.some((m) => m.command === 'pickup-failed'), 'pickup-failed');
    expect(kcp.fromAgent.find((m) => m.command === 'pickup-failed')?.err).toContain('403');
    expect(kcp.connected).toBe(true);
    void answer.catch(() => {});
  });

  it('gives up on a control connection kcp leaves unanswered and dials again', async () => {
    kcp.silent = true;
    const agent = startTunnel('token-1', false, 100);
    await waitFor(() => kcp.dials >= 2, 'a second dial after an unanswered one');
    expect(agent.state).not.toBe('connected');
    kcp.silent = false;
    await waitFor(() => agent.state === 'connected' && kcp.connected, 'tunnel connected');
  });

  it('is not ready while kcp refuses its token, and reconnects after kcp drops it', async () => {
    const refused = startTunnel('wrong-token');
    await waitFor(() => kcp.dials >= 2, 'a retry after 401');
    expect(refused.state).not.toBe('connected');
    expect(await tunnelHealthCheck(refused).check()).toMatchObject({ healthy: false });
    await refused.close();
    expect(refused.state).toBe('closed');

    const agent = startTunnel();
    await waitFor(() => kcp.connected, 'tunnel connected');
    const dials = kcp.dials;
    kcp.dropConnections();
    await waitFor(() => kcp.dials > dials && kcp.connected, 'reconnected');
    logs.appendLog(own, 'web-1', 'again');
    expect((await kcp.proxy(`/api/v1/namespaces/${own}/pods/web-1/log`)).body).toBe('again\n');
    expect(agent.state).toBe('connected');
  });
});
