import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientFor, type TestClient } from '../../test/support/clients.js';

// The raw request API answers with a fetch Response built over node:http (no fetch loaded): what callers of
// `request()` (discovery, OpenAPI, health checks, the tunnel's log streams) read must behave as fetch's does.
type Handler = (req: IncomingMessage, res: ServerResponse) => void;

let server: Server;
let url: string;
let handler: Handler;

beforeAll(async () => {
  server = createServer((req, res) => handler(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

async function withClient(run: (t: TestClient) => Promise<void>): Promise<void> {
  const kubeconfig = JSON.stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'raw', cluster: { server: url } }],
    users: [{ name: 'raw', user: { token: 'raw-token' } }],
    contexts: [{ name: 'raw', context: { cluster: 'raw', user: 'raw' } }],
    'current-context': 'raw',
  });
  const t = clientFor(kubeconfig, { transport: { maxRetries: 0 } });
  try {
    await run(t);
  } finally {
    await t.close();
  }
}

describe('the Response of raw requests', () => {
  it('gives status, headers as fetch joins them, and the body decoded', async () => {
    handler = (_req, res) => {
      res.writeHead(201, 'Made', [
        ['Content-Type', 'application/json'],
        ['Content-Encoding', 'gzip'],
        ['X-Thing', 'a'],
        ['x-thing', 'b'],
        ['Set-Cookie', 'one=1'],
        ['Set-Cookie', 'two=2'],
      ]);
      res.end(gzipSync(JSON.stringify({ made: true })));
    };
    await withClient(async (t) => {
      const response = await t.client.request('/things', { method: 'POST', body: '{}' });
      expect(response.status).toBe(201);
      expect(response.statusText).toBe('Made');
      expect(response.ok).toBe(true);
      expect(response.url).toBe(`${url}/things`);
      expect(response.headers.get('X-THING')).toBe('a, b');
      expect(response.headers.has('content-type')).toBe(true);
      expect(response.headers.get('missing')).toBeNull();
      expect(response.headers.getSetCookie()).toEqual(['one=1', 'two=2']);
      // Iteration is sorted by name (Node adds date, connection...), each Set-Cookie on its own.
      const keys = [...response.headers.keys()];
      expect(keys).toEqual([...keys].sort());
      expect(keys.filter((k) => k === 'set-cookie' || k === 'x-thing')).toEqual([
        'set-cookie',
        'set-cookie',
        'x-thing',
      ]);
      expect(() => response.headers.set('x', 'y')).toThrow(TypeError);
      expect(response.bodyUsed).toBe(false);
      expect(await response.json()).toEqual({ made: true });
      expect(response.bodyUsed).toBe(true);
      await expect(response.text()).rejects.toThrow(TypeError);
    });
  });

  it('clones: both copies read the whole body, as a web stream or as text', async () => {
    const text = 'x'.repeat(200_000);
    handler = (_req, res) => {
      res.writeHead(403, { 'content-type': 'text/plain' });
      res.end(text);
    };
    await withClient(async (t) => {
      const response = await t.client.request('/forbidden');
      expect(response.ok).toBe(false);
      const copy = response.clone();
      const reader = (response.body as ReadableStream<Uint8Array>).getReader();
      let streamed = '';
      const decoder = new TextDecoder();
      for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
        streamed += decoder.decode(chunk.value, { stream: true });
      }
      expect(streamed).toBe(text);
      expect(await copy.text()).toBe(text);
      expect(new Uint8Array(await (await t.client.request('/again')).arrayBuffer()).byteLength).toBe(200_000);
    });
  });

  it('has no body for 204 and HEAD answers, and keeps the connection usable after them', async () => {
    handler = (req, res) => {
      if (req.url === '/none') res.writeHead(204).end();
      else res.writeHead(200, { 'content-length': '5' }).end(req.method === 'HEAD' ? undefined : 'hello');
    };
    await withClient(async (t) => {
      const empty = await t.client.request('/none', { method: 'DELETE' });
      expect(empty.status).toBe(204);
      expect(empty.body).toBeNull();
      expect(await empty.text()).toBe('');
      const head = await t.client.request('/head', { method: 'HEAD' });
      expect(head.body).toBeNull();
      expect(head.headers.get('content-length')).toBe('5');
      expect(await (await t.client.request('/get')).text()).toBe('hello');
    });
  });

  it('ends a streaming body when the caller aborts', async () => {
    handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write('first\n');
    };
    await withClient(async (t) => {
      const abort = new AbortController();
      const response = await t.client.request('/follow', { signal: abort.signal });
      const reader = (response.body as ReadableStream<Uint8Array>).getReader();
      const first = await reader.read();
      expect(new TextDecoder().decode(first.value)).toBe('first\n');
      abort.abort(new Error('caller gave up'));
      await expect(reader.read()).rejects.toThrow();
    });
  });
});
