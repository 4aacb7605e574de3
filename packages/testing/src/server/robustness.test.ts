import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type KubeSimulator, startKubeSimulator } from '../simulator.js';

// The server must answer bad input with kube-apiserver's Status and keep serving afterwards.

interface Reply {
  status: number;
  type: string | undefined;
  body: string;
}

function send(
  sim: KubeSimulator,
  method: string,
  path: string,
  body?: string | Buffer,
  headers: Record<string, string> = {},
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${sim.url}${path}`,
      { method, headers: { authorization: 'Bearer t', ...headers } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            type: res.headers['content-type'],
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

describe('server robustness', () => {
  let sim: KubeSimulator;
  const alive = async () => {
    const res = await send(sim, 'GET', '/api/v1/namespaces/default');
    expect(res.status).toBe(200);
  };

  beforeAll(async () => {
    sim = await startKubeSimulator({ token: 't' });
  });
  afterAll(() => sim.stop());

  it('answers malformed JSON with a 400 BadRequest Status and stays up', async () => {
    for (const body of ['{"kind":', 'not json at all', '[1,2,3]', '"a string"', '{"metadata": 5}']) {
      const res = await send(sim, 'POST', '/api/v1/namespaces/default/configmaps', body, {
        'content-type': 'application/json',
      });
      expect(res.status, body).toBe(400);
      expect(JSON.parse(res.body)).toMatchObject({
        kind: 'Status',
        apiVersion: 'v1',
        status: 'Failure',
        reason: 'BadRequest',
        code: 400,
      });
    }
    const patch = await send(sim, 'PATCH', '/api/v1/namespaces/default', '{oops', {
      'content-type': 'application/merge-patch+json',
    });
    expect(patch.status).toBe(400);
    await alive();
  });

  it('answers unknown paths with 404 and stays up', async () => {
    const plain = await send(sim, 'GET', '/definitely/not/here');
    expect(plain.status).toBe(404);
    expect(plain.body).toBe('404 page not found\n');
    const inGroup = await send(sim, 'GET', '/api/v1/widgets');
    expect(inGroup.status).toBe(404);
    expect(JSON.parse(inGroup.body)).toMatchObject({
      kind: 'Status',
      reason: 'NotFound',
      message: 'the server could not find the requested resource',
    });
    const deep = await send(sim, 'GET', '/api/v1/namespaces/default/configmaps/a/b/c/d');
    expect(deep.status).toBe(404);
    await alive();
  });

  it('answers a body over 3 MiB with 413 without buffering it, and stays up', async () => {
    const big = Buffer.alloc(3 * 1024 * 1024 + 1, 'a');
    const res = await send(sim, 'POST', '/api/v1/namespaces/default/configmaps', big, {
      'content-type': 'application/json',
    });
    expect(res.status).toBe(413);
    expect(JSON.parse(res.body)).toMatchObject({
      reason: 'RequestEntityTooLarge',
      code: 413,
      message: 'Request entity too large: limit is 3145728',
    });
    await alive();
  });

  it('answers an object over 1.5 MiB (below the 3 MiB request limit) with 422 Invalid', async () => {
    const cm = {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'large', annotations: { a: 'x'.repeat(200 * 1024) } },
      data: Object.fromEntries(
        Array.from({ length: 5 }, (_, i) => [`k${i}`, Buffer.alloc(300 * 1024).toString('base64')]),
      ),
    };
    const body = JSON.stringify(cm);
    expect(body.length).toBeGreaterThan(1.5 * 1024 * 1024);
    expect(body.length).toBeLessThan(3 * 1024 * 1024);
    const res = await send(sim, 'POST', '/api/v1/namespaces/default/secrets', body, {
      'content-type': 'application/json',
    });
    expect(res.status).toBe(422);
    expect(JSON.parse(res.body)).toMatchObject({
      kind: 'Status',
      reason: 'Invalid',
      code: 422,
      details: { name: 'large', kind: 'Secret' },
    });
    await alive();
  });

  it('survives clients aborting watches mid-stream', async () => {
    // An existing object makes every watch start with an ADDED event the client can abort after.
    await send(
      sim,
      'POST',
      '/api/v1/namespaces/default/configmaps',
      JSON.stringify({ metadata: { name: 'seed' } }),
      { 'content-type': 'application/json' },
    );
    for (let i = 0; i < 5; i++) {
      await new Promise<void>((resolve, reject) => {
        const req = request(
          `${sim.url}/api/v1/namespaces/default/configmaps?watch=1`,
          { headers: { authorization: 'Bearer t' } },
          (res) => {
            res.once('data', () => {
              req.destroy();
              resolve();
            });
          },
        );
        req.on('error', (err: NodeJS.ErrnoException) =>
          err.code === 'ECONNRESET' ? resolve() : reject(err),
        );
        req.end();
      });
      await send(
        sim,
        'POST',
        '/api/v1/namespaces/default/configmaps',
        JSON.stringify({ metadata: { generateName: 'w-' } }),
        { 'content-type': 'application/json' },
      );
    }
    await alive();
    // The aborted watches were unsubscribed.
    const deadline = Date.now() + 5000;
    while (sim.store.watcherCount() > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(sim.store.watcherCount()).toBe(0);
  });

  it('answers 401 without the bearer token, but serves health probes', async () => {
    const res = await send(sim, 'GET', '/api/v1/namespaces', undefined, { authorization: '' });
    expect(res.status).toBe(401);
    expect(JSON.parse(res.body)).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'Unauthorized',
      reason: 'Unauthorized',
      code: 401,
    });
    expect((await send(sim, 'GET', '/healthz', undefined, { authorization: '' })).status).toBe(200);
  });

  it('answers garbage on the socket with 400 and keeps serving', async () => {
    const { connect } = await import('node:net');
    const { port } = new URL(sim.url);
    const reply = await new Promise<string>((resolve) => {
      const socket = connect(Number(port), '127.0.0.1', () => socket.write('THIS IS NOT HTTP\r\n\r\n'));
      let data = '';
      socket.on('data', (c) => {
        data += c.toString();
      });
      socket.on('close', () => resolve(data));
      socket.on('error', () => resolve(data));
    });
    expect(reply).toMatch(/^HTTP\/1.1 400/);
    await alive();
  });
});
