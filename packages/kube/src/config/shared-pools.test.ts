import { once } from 'node:events';
import { waitFor, withinDeadline } from '@kcp-tmc/testing/kit';
import { afterEach, describe, expect, it } from 'vitest';
import { closeServers, pki, serve } from '../../test/support/h2-server.js';
import { Transport } from '../http/transport.js';
import { ClusterConnection, loadKubeConfig } from './kubeconfig.js';

// Connections loaded by our own kubeconfig loader (as the agent loads them) to one HTTP/2 server.
const opened: ClusterConnection[] = [];
afterEach(async () => {
  for (const c of opened.splice(0)) await c.close();
  await closeServers();
});

function kubeconfig(server: string, cluster: Record<string, unknown>): string {
  return JSON.stringify({
    clusters: [{ name: 'c', cluster: { server, ...cluster } }],
    users: [{ name: 'u', user: { token: 'pool-token' } }],
    contexts: [{ name: 'x', context: { cluster: 'c', user: 'u' } }],
    'current-context': 'x',
  });
}

const trusted = { 'certificate-authority-data': Buffer.from(pki.caPem).toString('base64') };

/** A connection of its own (its own kubeconfig load) to `base`, as the agent opens one per base URL. */
function connect(base: string, cluster: Record<string, unknown> = trusted) {
  const connection = new ClusterConnection(loadKubeConfig({ kubeconfig: kubeconfig(base, cluster) }));
  opened.push(connection);
  const transport = new Transport(connection, { qps: 0, maxRetries: 0 });
  return {
    connection,
    get: () => transport.json<{ version: string }>({ method: 'GET', path: '/api', operation: 'GET /api' }),
    watch: async () => {
      const answer = await transport.stream({ method: 'GET', path: '/watch', operation: 'WATCH' });
      await once(answer.body, 'data');
      return answer.body;
    },
  };
}

describe('connection pools shared by server and TLS settings', () => {
  it("carries every connection's requests and watches over one TCP connection to the server", async () => {
    const server = await serve('h2');
    const workspace = connect(`${server.url}/clusters/root:org`);
    const syncer = connect(`${server.url}/services/syncer/root:org/target`);
    const watches = await withinDeadline(
      'a watch on each',
      5_000,
      Promise.all([workspace.watch(), syncer.watch()]),
    );
    expect(
      await withinDeadline('a request on each', 5_000, Promise.all([workspace.get(), syncer.get()])),
    ).toEqual([{ version: '2.0' }, { version: '2.0' }]);
    expect(server.sockets).toBe(1);
    expect(server.connections).toEqual([{ alpn: 'h2' }]);
    expect(server.requests).toEqual(
      expect.arrayContaining(['GET /clusters/root:org/watch', 'GET /services/syncer/root:org/target/watch']),
    );
    for (const body of watches) body.destroy();
  });

  it('ends only the closed connection’s watches, and closes the TCP connection with its last user', async () => {
    const server = await serve('h2');
    const closing = connect(`${server.url}/clusters/root:a`);
    const staying = connect(`${server.url}/clusters/root:b`);
    const [ended, kept] = await withinDeadline(
      'a watch on each',
      5_000,
      Promise.all([closing.watch(), staying.watch()]),
    );
    const endedWith = new Promise<unknown>((resolve) => ended.once('error', resolve));
    await closing.connection.close();
    expect(String(await withinDeadline('the closed one’s watch to end', 5_000, endedWith))).toContain(
      'connection is closed',
    );
    // The other connection's watch goes on, and its requests still use the one TCP connection.
    const next = once(kept, 'data');
    for (const w of server.watches) if (!w.stream.destroyed) w.write('{"more":true}\n');
    expect(String((await withinDeadline('another line', 5_000, next))[0])).toContain('more');
    expect(await withinDeadline('a request', 5_000, staying.get())).toEqual({ version: '2.0' });
    expect(server.sockets).toBe(1);
    const [session] = server.sessions;
    expect(session?.closed).toBe(false);
    kept.on('error', () => undefined);
    await staying.connection.close();
    await waitFor(
      'the TCP connection closed',
      () => session?.closed === true || session?.destroyed === true,
      {
        timeoutMs: 5_000,
      },
    );
  });

  it('keeps separate pools for different TLS settings', async () => {
    const server = await serve('h2');
    const verifying = connect(server.url);
    const insecure = connect(server.url, { 'insecure-skip-tls-verify': true });
    await withinDeadline('a request on each', 5_000, Promise.all([verifying.get(), insecure.get()]));
    expect(server.connections).toEqual([{ alpn: 'h2' }, { alpn: 'h2' }]);
  });

  it('refuses requests once closed, while the pool serves the others', async () => {
    const server = await serve('h2');
    const first = connect(server.url);
    const second = connect(server.url);
    await withinDeadline('a request on each', 5_000, Promise.all([first.get(), second.get()]));
    await first.connection.close();
    await expect(first.get()).rejects.toThrow('connection is closed');
    expect(await withinDeadline('a request', 5_000, second.get())).toEqual({ version: '2.0' });
    expect(server.connections).toHaveLength(1);
  });
});
