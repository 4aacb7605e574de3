import {
  CLOCK,
  DOWNSTREAM_KUBE_CLIENT,
  type KubeClient,
  LOGGER,
  NOOP_LOGGER,
  SYNC_TARGET,
  SYSTEM_CLOCK,
  TUNNEL,
  type Tunnel,
} from '@kcp-tmc/interfaces';
import { container } from 'tsyringe';
import { describe, expect, it } from 'vitest';
import { TARGET } from '../test/support/harness.js';
import { PodSubresourceForwarder } from './agent/forwarder.js';
import { TunnelClient } from './agent/tunnel-client.js';
import { registerTunnel, tunnelHealthCheck } from './register.js';
import { TUNNEL_CLIENT_OPTIONS, TUNNEL_REQUEST_HANDLER } from './tokens.js';

describe('registerTunnel', () => {
  it('binds one TunnelClient to TUNNEL with the pod forwarder as its handler', async () => {
    const child = container.createChildContainer();
    child.register(SYNC_TARGET, { useValue: TARGET });
    child.register(DOWNSTREAM_KUBE_CLIENT, { useValue: {} as KubeClient });
    registerTunnel(child, {
      url: 'ws://127.0.0.1:1/tunnel',
      token: 't',
      forwarder: { defaultCluster: 'root:x' },
    });
    const tunnel = child.resolve<Tunnel>(TUNNEL);
    expect(tunnel).toBeInstanceOf(TunnelClient);
    expect(child.resolve(TUNNEL)).toBe(tunnel);
    expect(child.resolve(TUNNEL_REQUEST_HANDLER)).toBeInstanceOf(PodSubresourceForwarder);
    expect(child.resolve(TUNNEL_CLIENT_OPTIONS)).toEqual({ url: 'ws://127.0.0.1:1/tunnel', token: 't' });
    expect(tunnel.state).toBe('disconnected');
    await tunnel.close();
    expect(tunnel.state).toBe('closed');
  });

  it('keeps a request handler registered before it', async () => {
    const child = container.createChildContainer();
    const custom = { handle: async () => ({ status: 204, headers: {} }) };
    child.register(SYNC_TARGET, { useValue: TARGET });
    child.register(TUNNEL_REQUEST_HANDLER, { useValue: custom });
    registerTunnel(child, { url: 'ws://127.0.0.1:1/tunnel', token: 't' });
    expect(child.resolve(TUNNEL_REQUEST_HANDLER)).toBe(custom);
    await child.resolve<Tunnel>(TUNNEL).close();
  });

  it('keeps the logger and clock a parent container binds (no no-op default hides them)', () => {
    const parent = container.createChildContainer();
    parent.register(LOGGER, { useValue: { ...NOOP_LOGGER } });
    parent.register(CLOCK, { useValue: { ...SYSTEM_CLOCK } });
    const child = parent.createChildContainer();
    child.register(SYNC_TARGET, { useValue: TARGET });
    registerTunnel(child, { url: 'ws://127.0.0.1:1/tunnel', token: 't' });
    expect(child.resolve(LOGGER)).toBe(parent.resolve(LOGGER));
    expect(child.resolve(CLOCK)).toBe(parent.resolve(CLOCK));
  });
});

describe('tunnelHealthCheck', () => {
  it('is healthy only while connected', () => {
    let state: Tunnel['state'] = 'connecting';
    const tunnel = {
      get state() {
        return state;
      },
    } as Tunnel;
    const check = tunnelHealthCheck(tunnel);
    expect(check).toMatchObject({ name: 'tunnel', endpoints: ['readyz'] });
    expect(check.check()).toEqual({ healthy: false, message: 'tunnel is connecting' });
    state = 'connected';
    expect(check.check()).toEqual({ healthy: true });
  });
});
