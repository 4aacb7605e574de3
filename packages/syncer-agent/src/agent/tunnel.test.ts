import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import {
  DOWNSTREAM_KUBE_CLIENT,
  type Logger,
  SYNC_TARGET,
  type SyncTarget,
  type SyncTargetRef,
  TUNNEL,
  type Tunnel,
  toSyncTargetKey,
} from '@kcp-tmc/interfaces';
import { loadKubeConfig } from '@kcp-tmc/kube';
import { buildKubeconfig, generateServingCertificate } from '@kcp-tmc/testing';
import { TunnelServer } from '@kcp-tmc/tunnel';
import { container } from 'tsyringe';
import { afterEach, describe, expect, it } from 'vitest';
import { loadAgentOptions } from '../config/load.js';
import { tlsOptionsOf } from './credentials.js';
import type { CompositionContext } from './modules.js';
import { tunnelModule } from './tunnel.js';

const REF: SyncTargetRef = {
  cluster: 'root:org',
  name: 'phys',
  uid: 'uid-1',
  key: toSyncTargetKey('root:org', 'phys'),
};

function recordingLogger(errors: Array<Record<string, unknown>>): Logger {
  const logger: Logger = {
    error: (msg, fields) => errors.push({ msg, ...fields }),
    warn: () => {},
    info: () => {},
    debug: () => {},
    child: () => logger,
  };
  return logger;
}

const syncTargetWithTunnel = (url: string): SyncTarget => ({
  apiVersion: 'workload.kcp.io/v1alpha1',
  kind: 'SyncTarget',
  metadata: { name: REF.name, uid: REF.uid },
  status: { tunnelWorkspaces: [{ url }] },
});

async function contextFor(
  upstreamServer: string,
  tunnelUrl: string,
  errors: Array<Record<string, unknown>>,
  caPem?: string,
): Promise<CompositionContext> {
  const kubeconfig = buildKubeconfig({ server: upstreamServer, token: 'st-token', caPem });
  return {
    options: loadAgentOptions([
      '--sync-target-name=phys',
      '--from-cluster=root:org',
      '--feature-gates=Tunnel=true',
      '--tunnel=websocket',
    ]),
    syncTarget: syncTargetWithTunnel(tunnelUrl),
    ref: REF,
    upstreamServer,
    upstreamToken: 'st-token',
    upstreamTls: await tlsOptionsOf(loadKubeConfig({ kubeconfig })),
    logger: recordingLogger(errors),
  } as unknown as CompositionContext;
}

describe('the tunnel in the composition', () => {
  let server: Server | undefined;
  let tunnels: TunnelServer | undefined;
  let tunnel: Tunnel | undefined;
  afterEach(async () => {
    await tunnel?.close();
    await tunnels?.close();
    server?.closeAllConnections();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    server = tunnels = tunnel = undefined;
  });

  it.each([
    [
      'another host',
      'https://evil.example:6443/tunnel',
      'tunnel host "evil.example:6443" is not the upstream\'s "127.0.0.1:6443"',
    ],
    ['cleartext', 'http://127.0.0.1:6443/tunnel', 'tunnel URL scheme "http" refused: only https or wss'],
  ])('makes no tunnel client, so sends no token, for %s', async (_what, url, reason) => {
    const errors: Array<Record<string, unknown>> = [];
    const c = container.createChildContainer();
    tunnelModule.register(c, await contextFor('https://127.0.0.1:6443', url, errors));
    expect(c.isRegistered(TUNNEL)).toBe(false);
    expect(errors).toEqual([
      { msg: 'tunnel disabled: the SyncTarget advertises a tunnel URL the agent refuses', url, reason },
    ]);
  });

  it("connects over wss to an upstream with a private CA, trusting the upstream kubeconfig's CA", async () => {
    const cert = generateServingCertificate();
    tunnels = new TunnelServer({ authenticate: (token) => (token === 'st-token' ? REF : undefined) });
    server = createServer({ key: cert.keyPem, cert: cert.certPem });
    tunnels.attach(server);
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
    const base = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const errors: Array<Record<string, unknown>> = [];
    const c = container.createChildContainer();
    c.register(SYNC_TARGET, { useValue: REF });
    c.register(DOWNSTREAM_KUBE_CLIENT, { useValue: {} });
    tunnelModule.register(c, await contextFor(base, `${base}${tunnels.path}`, errors, cert.caPem));
    expect(errors).toEqual([]);
    tunnel = c.resolve<Tunnel>(TUNNEL);
    tunnel.start();
    await new Promise<void>((resolve, reject) => {
      const deadline = setTimeout(() => reject(new Error(`tunnel is ${tunnel?.state} after 10 s`)), 10_000);
      const sub = tunnel?.state$.subscribe({
        next: (state) => {
          if (state !== 'connected') return;
          clearTimeout(deadline);
          queueMicrotask(() => sub?.unsubscribe());
          resolve();
        },
      });
    });
    expect(tunnels.isConnected(REF)).toBe(true);
  });
});
