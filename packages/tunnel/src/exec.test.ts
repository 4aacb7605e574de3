import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { type Harness, startHarness, TARGET, WORKSPACE } from '../test/support/harness.js';
import { waitFor } from '../test/support/wait.js';
import type { TunnelClient } from './agent/tunnel-client.js';

const EXEC_PROTOCOLS = ['v5.channel.k8s.io', 'v4.channel.k8s.io'];

/** Opens a caller WebSocket through the upgrade relay; resolves open, or with the refusal's status and body. */
function execThroughTunnel(h: Harness, namespace: string, pod: string) {
  const url =
    `${h.baseUrl.replace('http', 'ws')}/syncers/${TARGET.cluster}/${TARGET.name}` +
    `/clusters/${WORKSPACE}/api/v1/namespaces/${namespace}/pods/${pod}/exec?command=sh&stdin=true&stdout=true`;
  const ws = new WebSocket(url, EXEC_PROTOCOLS);
  return new Promise<{ ws: WebSocket } | { status: number; body: string }>((resolve, reject) => {
    ws.once('open', () => resolve({ ws }));
    ws.once('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => {
        body += chunk.toString();
      });
      res.on('end', () => {
        ws.terminate();
        resolve({ status: res.statusCode ?? 0, body });
      });
    });
    ws.on('error', (err) => {
      if (!err.message.includes('closed before the connection')) reject(err);
    });
  });
}

function nextMessage(ws: WebSocket): Promise<Buffer> {
  return new Promise((resolve) => ws.once('message', (data: Buffer) => resolve(data)));
}

describe('exec over the WebSocket channel protocol through the tunnel', () => {
  let h: Harness;
  let agent: TunnelClient;

  beforeEach(async () => {
    h = await startHarness();
    h.logs.appendLog(h.ownNamespace, 'web-1', 'up');
  });
  afterEach(async () => {
    await h.stop();
  });

  async function connect(exec: boolean) {
    agent = h.agent({}, { exec });
    agent.start();
    await h.server.waitForConnection(TARGET, AbortSignal.timeout(10_000));
  }

  it('relays stdin and stdout both ways with the subprotocol the downstream chose', async () => {
    await connect(true);
    const result = await execThroughTunnel(h, 'default', 'web-1');
    if (!('ws' in result)) throw new Error(`exec refused: ${result.status} ${result.body}`);
    const { ws } = result;
    expect(ws.protocol).toBe('v5.channel.k8s.io');
    expect(h.logs.execSessions).toBe(1);

    for (const text of ['echo hello', 'ls -l /']) {
      const reply = nextMessage(ws);
      ws.send(Buffer.concat([Buffer.from([0]), Buffer.from(text)]));
      const data = await reply;
      expect(data[0]).toBe(1);
      expect(data.subarray(1).toString()).toBe(text.toUpperCase());
    }

    // v5: close stdin; the shell exits with a Success status on the error channel and a normal close.
    const status = nextMessage(ws);
    const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
    ws.send(Buffer.from([255, 0]));
    const statusData = await status;
    expect(statusData[0]).toBe(3);
    expect(JSON.parse(statusData.subarray(1).toString())).toMatchObject({ status: 'Success' });
    expect(await closed).toBe(1000);
    await waitFor(() => agent.stats().activeStreams === 0, 'the agent to release the exec stream');
  });

  it('passes a downstream refusal back as the HTTP answer', async () => {
    await connect(true);
    const result = await execThroughTunnel(h, 'default', 'ghost');
    expect(result).toMatchObject({ status: 404 });
    expect(JSON.parse((result as { body: string }).body)).toMatchObject({
      kind: 'Status',
      reason: 'NotFound',
    });
  });

  it('answers 403 for a namespace of another SyncTarget, and for any upgrade when the agent has no upgrader', async () => {
    await connect(true);
    const foreign = await execThroughTunnel(h, 'other', 'secret-pod');
    expect(foreign).toMatchObject({ status: 403 });
    expect(JSON.parse((foreign as { body: string }).body).message).toMatch(/not synced/);
    await agent.close();

    await connect(false);
    const refused = await execThroughTunnel(h, 'default', 'web-1');
    expect(refused).toMatchObject({ status: 403 });
    expect(JSON.parse((refused as { body: string }).body).message).toMatch(/upgrades are not forwarded/);
    expect(h.logs.execSessions).toBe(0);
  });

  it('closes the caller when the tunnel connection dies mid-session', async () => {
    await connect(true);
    const result = await execThroughTunnel(h, 'default', 'web-1');
    if (!('ws' in result)) throw new Error(`exec refused: ${result.status}`);
    const closed = new Promise<number>((resolve) => result.ws.once('close', (code) => resolve(code)));
    await agent.close();
    expect(await closed).not.toBe(1000);
  });
});
