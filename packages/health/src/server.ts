import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { type HealthEndpoint, type HealthManager, type Logger, NOOP_LOGGER } from '@kcp-tmc/interfaces';
import { type CheckOutcome, ComponentHealthManager } from './manager.js';
import type { Profiler } from './pprof.js';

// node:http required, not imported: an ESM import reads every export, and node:http's lazy WebSocket getters
// then load Node's bundled undici (~16 MiB RSS) into the agent.
const { createServer } = createRequire(import.meta.url)('node:http') as typeof import('node:http');

/** Anything that renders Prometheus exposition text: a prom-client Registry or SyncerMetrics. */
export interface MetricsSource {
  metrics(): Promise<string>;
  readonly contentType: string;
}

export interface ProbeServerOptions {
  /** Default `127.0.0.1`: probes and metrics are not for the world unless asked. */
  host?: string;
  /** 0 picks a free port (tests). */
  port: number;
  /** Serves /healthz, /readyz and /livez when given. */
  health?: HealthManager;
  /** Serves /metrics when given. */
  metrics?: MetricsSource;
  /**
   * Serves controller-runtime's pprof endpoints under /debug/pprof/ when given (the agent's `--profiling`);
   * they answer 404 otherwise. The server starts and stops it.
   */
  profiler?: Profiler;
  /**
   * Print `reason withheld` instead of a failed check's message, as kube-apiserver does on its public
   * endpoints. Off by default: the server binds to loopback unless told otherwise.
   */
  withholdReasons?: boolean;
  logger?: Logger;
}

const ENDPOINTS = new Set<string>(['healthz', 'readyz', 'livez']);
const TEXT = 'text/plain; charset=utf-8';

/**
 * The agent's probe and metrics listener (controller-runtime's `--health-probe-bind-address` and
 * `--metrics-bind-address`; one instance may serve both). Health answers follow kube-apiserver: `ok` when
 * healthy, and with `?verbose` or on failure one line per check (`[+]name ok`, `[-]name failed: reason`) and a
 * final `<endpoint> check passed|failed`; `?exclude=name` skips a check; `/<endpoint>/<check>` runs one.
 */
export class ProbeServer {
  private server: Server | undefined;
  private readonly logger: Logger;

  constructor(private readonly options: ProbeServerOptions) {
    this.logger = options.logger ?? NOOP_LOGGER;
  }

  /** Starts listening; resolves with the bound address and its base URL. */
  async start(): Promise<{ host: string; port: number; url: string }> {
    if (this.server !== undefined) throw new Error('probe server already started');
    const server = createServer((req, res) => {
      this.handle(req, res).catch((err: unknown) => {
        this.logger.error('probe request failed', { path: req.url, error: String(err) });
        if (!res.headersSent) reply(res, 500, 'internal server error\n');
        else res.destroy();
      });
    });
    this.server = server;
    await this.options.profiler?.start();
    const host = this.options.host ?? '127.0.0.1';
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.options.port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const address = server.address() as AddressInfo;
    const urlHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    return { host: address.address, port: address.port, url: `http://${urlHost}:${address.port}` };
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server === undefined) return;
    await this.options.profiler?.stop();
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://probe');
    const profiler = this.options.profiler;
    if (profiler !== undefined && url.pathname.startsWith('/debug/pprof/') && req.method === 'GET') {
      if (await profiler.serve(url.pathname.slice('/debug/pprof/'.length), url.searchParams, res)) return;
    }
    const [first, second, ...rest] = url.pathname.split('/').filter((part) => part !== '');
    const isHealth = first !== undefined && ENDPOINTS.has(first) && this.options.health !== undefined;
    const isMetrics = first === 'metrics' && second === undefined && this.options.metrics !== undefined;
    if ((!isHealth && !isMetrics) || rest.length > 0) {
      reply(res, 404, '404 page not found\n');
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('Allow', 'GET, HEAD');
      reply(res, 405, 'method not allowed\n');
      return;
    }
    if (isMetrics && this.options.metrics !== undefined) {
      const body = await this.options.metrics.metrics();
      reply(res, 200, body, this.options.metrics.contentType, req.method === 'HEAD');
      return;
    }
    const endpoint = first as HealthEndpoint;
    if (second !== undefined) await this.single(endpoint, second, res);
    else await this.aggregate(endpoint, url.searchParams, res);
  }

  private async single(endpoint: HealthEndpoint, name: string, res: ServerResponse): Promise<void> {
    const health = this.options.health as HealthManager;
    const outcome =
      health instanceof ComponentHealthManager
        ? await health.evaluateOne(endpoint, name)
        : (await health.evaluate(endpoint)).checks.find((c) => c.name === name);
    if (outcome === undefined) reply(res, 404, '404 page not found\n');
    else if (outcome.healthy) reply(res, 200, 'ok');
    else reply(res, 500, `internal server error: ${this.reason(outcome)}\n`);
  }

  private async aggregate(
    endpoint: HealthEndpoint,
    query: URLSearchParams,
    res: ServerResponse,
  ): Promise<void> {
    const health = this.options.health as HealthManager;
    const exclude = query.getAll('exclude').flatMap((value) => value.split(','));
    const excluded = new Set(exclude);
    const report =
      health instanceof ComponentHealthManager
        ? await health.evaluate(endpoint, { exclude })
        : await health.evaluate(endpoint);
    // Exclusion is applied here too, so a HealthManager that knows nothing of it still honours it.
    const checks: CheckOutcome[] = report.checks.map((c) =>
      excluded.has(c.name) ? { name: c.name, healthy: true, excluded: true } : c,
    );
    const unmatched = exclude.filter((name) => !checks.some((c) => c.name === name));
    const lines = checks.map((c) => {
      if (c.excluded === true) return `[+]${c.name} excluded: ok`;
      return c.healthy ? `[+]${c.name} ok` : `[-]${c.name} failed: ${this.reason(c)}`;
    });
    if (unmatched.length > 0) {
      lines.push(
        `warn: some health checks cannot be excluded: no matches for ${unmatched.map((n) => JSON.stringify(n)).join(',')}`,
      );
    }
    const healthy = checks.every((c) => c.healthy);
    if (!healthy) {
      reply(res, 500, `${lines.join('\n')}\n${endpoint} check failed\n`);
      return;
    }
    if (!query.has('verbose')) {
      reply(res, 200, 'ok');
      return;
    }
    reply(res, 200, `${lines.map((line) => `${line}\n`).join('')}${endpoint} check passed\n`);
  }

  private reason(outcome: CheckOutcome): string {
    return this.options.withholdReasons === true ? 'reason withheld' : (outcome.message ?? 'failed');
  }
}

function reply(
  res: ServerResponse,
  status: number,
  body: string,
  contentType = TEXT,
  headOnly = false,
): void {
  res.statusCode = status;
  res.setHeader('Content-Type', contentType);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Content-Length', Buffer.byteLength(body));
  res.end(headOnly ? undefined : body);
}
