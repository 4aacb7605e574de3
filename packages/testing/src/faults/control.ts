import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FaultController } from './faults.js';
import { parseFaultOptions, parseFaultRule, parseLatency } from './parse.js';

const MAX_BODY = 64 * 1024;

export interface FaultControlServer {
  /** `http://127.0.0.1:<port>` unless another host was asked for. */
  url: string;
  close(): Promise<void>;
}

type Action = (faults: FaultController, body: string, query: URLSearchParams) => Promise<unknown> | unknown;

// On its own listener, so a `refuse` partition of the API server leaves the way to heal it open.
const ROUTES: Record<string, Action> = {
  'GET /faults': (f) => f.snapshot(),
  'PUT /faults': (f, body) => {
    f.configure(parseFaultOptions(body));
    return f.snapshot();
  },
  'POST /faults/rules': (f, body) => {
    f.addRule(parseFaultRule(JSON.parse(body || 'null')));
    return f.snapshot();
  },
  'DELETE /faults/rules': (f) => {
    f.clearRules();
    return f.snapshot();
  },
  'PUT /faults/latency': (f, body) => {
    f.setLatency(parseLatency(JSON.parse(body || 'null')));
    return f.snapshot();
  },
  'POST /faults/partition': async (f, _body, query) => {
    const mode = query.get('mode') ?? 'refuse';
    if (mode !== 'refuse' && mode !== 'hang') throw new Error(`mode: must be refuse or hang, got ${mode}`);
    await f.partition(mode);
    return f.snapshot();
  },
  'POST /faults/heal': async (f) => {
    await f.heal();
    return f.snapshot();
  },
  'POST /faults/pause': (f) => {
    f.pause();
    return f.snapshot();
  },
  'POST /faults/resume': (f) => {
    f.resume();
    return f.snapshot();
  },
  'POST /faults/drop-watches': (f) => ({ dropped: f.dropWatches() }),
  'POST /faults/compact': (f) => {
    f.compact();
    return f.snapshot();
  },
};

/**
 * An HTTP endpoint that drives a simulator's faults from outside the process (curl in a chaos script):
 * `GET /faults`, `PUT /faults` (replace latency and rules), `POST|DELETE /faults/rules`, `PUT /faults/latency`,
 * `POST /faults/partition?mode=refuse|hang`, `/heal`, `/pause`, `/resume`, `/drop-watches`, `/compact`.
 */
export async function startFaultControl(
  faults: FaultController,
  options: { port?: number; host?: string } = {},
): Promise<FaultControlServer> {
  const server = createServer((req, res) => void handle(faults, req, res));
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    close: () => closeServer(server),
  };
}

async function handle(faults: FaultController, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://control');
  const action = ROUTES[`${req.method} ${url.pathname}`];
  if (!action) {
    const known = Object.keys(ROUTES).some((k) => k.endsWith(` ${url.pathname}`));
    return reply(res, known ? 405 : 404, {
      error: `${known ? 'method not allowed' : 'not found'}: ${req.method} ${url.pathname}`,
    });
  }
  try {
    const body = await readBody(req);
    reply(res, 200, await action(faults, body, url.searchParams));
  } catch (err) {
    reply(res, 400, { error: err instanceof Error ? err.message : String(err) });
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) {
        reject(new Error(`body larger than ${MAX_BODY} bytes`));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function reply(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(`${JSON.stringify(body)}\n`);
}

function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}
