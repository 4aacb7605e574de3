import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { type KubeSimulator, startKubeSimulator } from '../../simulator.js';
import { runProcess } from './shell.js';

interface Outcome {
  protocol: string;
  stdout: string;
  stderr: string;
  status: Record<string, unknown> | undefined;
  closeCode: number;
}

describe('pods/exec and pods/attach over the WebSocket channel protocol', () => {
  let sim: KubeSimulator;
  const podPath = '/api/v1/namespaces/default/pods/shell';

  beforeAll(async () => {
    sim = await startKubeSimulator({ controllers: { podReadyDelayMs: 0 } });
    await fetch(`${sim.url}/api/v1/namespaces/default/pods`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        metadata: { name: 'shell' },
        spec: { containers: [{ name: 'c', image: 'busybox', env: [{ name: 'GREETING', value: 'hi' }] }] },
      }),
    });
    const deadline = Date.now() + 10_000;
    for (;;) {
      const pod = (await (await fetch(`${sim.url}${podPath}`)).json()) as { status?: { phase?: string } };
      if (pod.status?.phase === 'Running') break;
      if (Date.now() > deadline) throw new Error('pod never ran');
      await new Promise((r) => setTimeout(r, 20));
    }
  });
  afterAll(() => sim.stop());

  function connect(
    sub: string,
    query: string,
    protocols = ['v5.channel.k8s.io', 'v4.channel.k8s.io'],
    stdin?: string[],
  ): Promise<Outcome> {
    const ws = new WebSocket(`${sim.url.replace('http', 'ws')}${podPath}/${sub}?${query}`, protocols);
    const out: Outcome = { protocol: '', stdout: '', stderr: '', status: undefined, closeCode: 0 };
    return new Promise((resolve, reject) => {
      ws.on('open', () => {
        out.protocol = ws.protocol;
        for (const chunk of stdin ?? []) ws.send(Buffer.concat([Buffer.from([0]), Buffer.from(chunk)]));
        if (stdin) ws.send(Buffer.from([255, 0]));
      });
      ws.on('message', (data: Buffer) => {
        const text = data.subarray(1).toString();
        if (data[0] === 1) out.stdout += text;
        else if (data[0] === 2) out.stderr += text;
        else if (data[0] === 3) out.status = JSON.parse(text) as Record<string, unknown>;
      });
      ws.on('close', (code) => resolve({ ...out, closeCode: code }));
      ws.on('unexpected-response', (_req, res) => reject(new Error(`refused: ${res.statusCode}`)));
      ws.on('error', reject);
    });
  }

  it('runs a command and reports success on the error channel, closing normally (v5)', async () => {
    const r = await connect('exec', 'command=echo&command=hello&command=world&stdout=true&stderr=true');
    expect(r).toMatchObject({ protocol: 'v5.channel.k8s.io', stdout: 'hello world\n', closeCode: 1000 });
    expect(r.status).toEqual({ metadata: {}, status: 'Success' });
  });

  it('carries a non-zero exit code as a NonZeroExitCode Status (v4 too)', async () => {
    const script = encodeURIComponent('echo $GREETING; exit 3');
    const r = await connect('exec', `command=sh&command=-c&command=${script}&stdout=true&stderr=true`, [
      'v4.channel.k8s.io',
    ]);
    expect(r.protocol).toBe('v4.channel.k8s.io');
    expect(r.stdout).toBe('hi\n');
    expect(r.status).toMatchObject({
      status: 'Failure',
      reason: 'NonZeroExitCode',
      details: { causes: [{ reason: 'ExitCode', message: '3' }] },
    });
  });

  it('feeds stdin until the v5 close signal', async () => {
    const r = await connect('exec', 'command=cat&stdin=true&stdout=true', undefined, ['a\n', 'b\n']);
    expect(r.stdout).toBe('a\nb\n');
    expect(r.status).toMatchObject({ status: 'Success' });
  });

  it('attaches: the main process echoes stdin and ends when it closes', async () => {
    const r = await connect('attach', 'container=c&stdin=true&stdout=true', undefined, ['ping\n']);
    expect(r.stdout).toContain('ping\n');
    expect(r.status).toMatchObject({ status: 'Success' });
  });

  it('refuses a plain request, an unknown container and a missing command with 400', async () => {
    const plain = await fetch(`${sim.url}${podPath}/exec?command=ls&stdout=true`);
    expect(plain.status).toBe(400);
    expect(((await plain.json()) as { message: string }).message).toBe('Upgrade request required');
    await expect(connect('exec', 'command=ls&stdout=true&container=nope')).rejects.toThrow('refused: 400');
    await expect(connect('exec', 'stdout=true')).rejects.toThrow('refused: 400');
  });
});

describe('the scripted shell', () => {
  const run = async (argv: string[], stdin?: string[]) => {
    let stdout = '';
    let stderr = '';
    const code = await runProcess(argv, {
      stdout: (t) => {
        stdout += t;
      },
      stderr: (t) => {
        stderr += t;
      },
      stdin: stdin
        ? (async function* () {
            yield* stdin;
          })()
        : undefined,
      env: new Map([['NAME', 'sim']]),
    });
    return { code, stdout, stderr };
  };

  it('runs sequences, && and ||, quotes, variables and $?', async () => {
    expect(
      await run(['sh', '-c', `echo "hello $NAME"; false || echo 'no $NAME'; false && echo never; echo $?`]),
    ).toEqual({
      code: 0,
      stdout: 'hello sim\nno $NAME\n1\n',
      stderr: '',
    });
  });

  it('exits with the given code and reports unknown commands with 127', async () => {
    expect((await run(['sh', '-c', 'exit 42; echo after'])).code).toBe(42);
    expect(await run(['sh', '-c', 'nope'])).toEqual({
      code: 127,
      stdout: '',
      stderr: 'sh: nope: not found\n',
    });
    await expect(run(['nope'])).rejects.toThrow('executable file not found');
  });

  it('prints the environment and copies stdin with cat', async () => {
    expect((await run(['env'])).stdout).toBe('NAME=sim\n');
    expect((await run(['printenv', 'NAME'])).stdout).toBe('sim\n');
    expect((await run(['cat'], ['x', 'y'])).stdout).toBe('xy');
  });
});
