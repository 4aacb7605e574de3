import { createSecureServer, type Http2SecureServer, type IncomingHttpHeaders } from 'node:http2';
import type { AddressInfo } from 'node:net';
import {
  DOWNSTREAM_KUBE_CLIENT,
  type Logger,
  SYNC_TARGET,
  type SyncTargetRef,
  TUNNEL,
  type Tunnel,
  toSyncTargetKey,
} from '@kcp-tmc/interfaces';
import { loadKubeConfig } from '@kcp-tmc/kube';
import { buildKubeconfig, generateServingCertificate } from '@kcp-tmc/testing';
import { KcpSyncerTunnel } from '@kcp-tmc/tunnel';
import { container } from 'tsyringe';
import { afterEach, describe, expect, it } from 'vitest';
import { loadAgentOptions } from '../config/load.js';
import { tlsOptionsOf } from './credentials.js';
import { kcpTunnelModule } from './kcp-tunnel.js';
import type { CompositionContext } from './modules.js';
import { tunnelModule } from './tunnel.js';

const REF: SyncTargetRef = {
  cluster: '1mkf0habviiif6ta',
  name: 'phys',
  uid: 'uid-1',
  key: toSyncTargetKey('1mkf0habviiif6ta', 'phys'),
};

async function contextFor(
  upstreamServer: string,
  flags: string[],
  errors: string[],
  caPem?: string,
): Promise<CompositionContext> {
  const kubeconfig = buildKubeconfig({ server: upstreamServer, token: 'st-token', caPem });
  const logger: Logger = {
    error: (msg) => errors.push(msg),
    warn: (msg) => errors.push(msg),
    info: () => {},
    debug: () => {},
    child: () => logger,
  };
  return {
    options: loadAgentOptions([
      '--sync-target-name=phys',
      `--from-cluster=${REF.cluster}`,
      '--feature-gates=KCPSyncerTunnel=true',
      ...flags,
    ]),
    syncTarget: { apiVersion: 'workload.kcp.io/v1alpha1', kind: 'SyncTarget', metadata: { name: 'phys' } },
    ref: REF,
    upstreamServer,
    upstreamToken: 'st-token',
    upstreamTls: await tlsOptionsOf(loadKubeConfig({ kubeconfig })),
    logger,
  } as unknown as CompositionContext;
}

function register(context: CompositionContext) {
  const c = container.createChildContainer();
  c.register(SYNC_TARGET, { useValue: REF });
  c.register(DOWNSTREAM_KUBE_CLIENT, { useValue: {} });
  for (const module of [tunnelModule, kcpTunnelModule]) module.register(c, context);
  return c;
}

describe("kcp's syncer tunnel in the composition", () => {
  let server: Http2SecureServer | undefined;
  let tunnel: Tunnel | undefined;
  afterEach(async () => {
    await tunnel?.close();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    server = tunnel = undefined;
  });

  it("is the default in kcp modes: dials the SyncTarget's tunnel subresource with the kubeconfig's CA and token", async () => {
    const cert = generateServingCertificate();
    const dials: IncomingHttpHeaders[] = [];
    server = createSecureServer({ key: cert.keyPem, cert: cert.certPem });
    server.on('stream', (stream, headers) => {
      dials.push(headers);
      stream.respond({ ':status': 200 });
      stream.write('{"command":"keep-alive"}\n');
    });
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
    const base = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const errors: string[] = [];
    // The generated kubeconfig points at kcp's base URL; any path on it is dropped, as kcp's syncer does.
    const c = register(await contextFor(`${base}/clusters/root:org`, [], errors, cert.caPem));
    expect(errors).toEqual([]);
    tunnel = c.resolve<Tunnel>(TUNNEL);
    expect(tunnel).toBeInstanceOf(KcpSyncerTunnel);
    tunnel.start();
    const deadline = Date.now() + 10_000;
    while (tunnel.state !== 'connected' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    expect(tunnel.state).toBe('connected');
    expect(dials[0]).toMatchObject({
      ':method': 'GET',
      ':path': `/clusters/${REF.cluster}/apis/workload.kcp.io/v1alpha1/synctargets/phys/tunnel`,
      authorization: 'Bearer st-token',
    });
  });

  it('registers no tunnel for a cleartext upstream, so sends no token', async () => {
    const errors: string[] = [];
    const c = register(await contextFor('http://127.0.0.1:6443', [], errors));
    expect(c.isRegistered(TUNNEL)).toBe(false);
    expect(errors).toEqual(['kcp tunnel disabled: the agent refuses to dial it']);
  });

  it('leaves the tunnel to the WebSocket client with --tunnel=websocket and in plain mode', async () => {
    const errors: string[] = [];
    const chosen = await contextFor('https://127.0.0.1:6443', ['--tunnel=websocket'], errors);
    expect(chosen.options.tunnel).toBe('websocket');
    // No tunnel URL advertised: the WebSocket client warns and stays off; the kcp one never registers.
    expect(register(chosen).isRegistered(TUNNEL)).toBe(false);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain('no tunnel workspace');
    const plain = loadAgentOptions(['--sync-target-name=phys', '--upstream-mode=plain']);
    expect(plain.tunnel).toBe('websocket');
    expect(() =>
      loadAgentOptions(['--sync-target-name=phys', '--upstream-mode=plain', '--tunnel=ssh']),
    ).toThrow(/expected one of kcp, websocket/);
  });
});
