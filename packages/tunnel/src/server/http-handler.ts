import type { IncomingMessage, ServerResponse } from 'node:http';
import { isTmcError, TmcErrorType } from '@kcp-tmc/interfaces';
import { statusBody } from './reject.js';
import type { TunnelSendRequest, TunnelServer } from './tunnel-server.js';

export interface TunnelHttpHandlerOptions {
  /** URL prefix. Default `/syncers`. */
  prefix?: string;
  /**
   * Called before anything is sent; false answers 403. The handler does no authentication of its own: mount it
   * behind the component's authentication, or decide here.
   */
  authorize?: (req: IncomingMessage, target: { cluster: string; name: string }) => boolean | Promise<boolean>;
  /** Largest request body passed on (bytes). Default 1 MiB. */
  maxRequestBytes?: number;
}

/** Request headers passed to the agent; the caller's credentials never are. */
const FORWARDED_HEADERS = ['accept', 'content-type'];

/**
 * `<prefix>/<SyncTarget cluster>/<SyncTarget name>/<path>` → {@link TunnelServer.send}(target, `/<path>`), e.g.
 * `/syncers/root:org/cluster-1/clusters/root:org:ws/api/v1/namespaces/default/pods/web/log?follow=true`.
 * The answer streams back as it comes; a tunnel lost mid-body aborts the response so the caller sees an error.
 */
export function createTunnelHttpHandler(
  server: TunnelServer,
  options: TunnelHttpHandlerOptions = {},
): (req: IncomingMessage, res: ServerResponse) => void {
  const prefix = (options.prefix ?? '/syncers').replace(/\/$/, '');
  const maxBytes = options.maxRequestBytes ?? 1024 * 1024;
  return (req, res) => {
    void serve(req, res).catch((err: unknown) => {
      if (!res.headersSent) fail(res, 500, 'InternalError', (err as Error).message);
      else res.destroy(err as Error);
    });
  };

  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const parsed = parseSyncerPath(req.url ?? '/', prefix);
    if (parsed === undefined) return fail(res, 404, 'NotFound', `expected ${prefix}/<cluster>/<name>/<path>`);
    if (parsed === null) return fail(res, 400, 'BadRequest', 'malformed SyncTarget in the path');
    const { target } = parsed;
    if (options.authorize !== undefined && !(await options.authorize(req, target))) {
      return fail(res, 403, 'Forbidden', `not allowed to reach SyncTarget ${target.cluster}:${target.name}`);
    }
    const headers: Record<string, string> = {};
    for (const key of FORWARDED_HEADERS) {
      const value = req.headers[key];
      if (typeof value === 'string') headers[key] = value;
    }
    const controller = new AbortController();
    // The caller hung up: cancel the stream so the agent stops reading downstream.
    res.on('close', () => {
      if (!res.writableFinished) controller.abort(new Error('the caller went away'));
    });
    const request: TunnelSendRequest = {
      method: req.method ?? 'GET',
      path: parsed.path,
      headers,
      signal: controller.signal,
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      const body = await readBody(req, maxBytes);
      if (body === undefined)
        return fail(res, 413, 'RequestEntityTooLarge', `request body over ${maxBytes} bytes`);
      if (body.byteLength > 0) request.body = body;
    }
    let response: Awaited<ReturnType<TunnelServer['send']>>;
    try {
      response = await server.send(target, request);
    } catch (err) {
      if (controller.signal.aborted) return;
      const unreachable = isTmcError(err) && err.type === TmcErrorType.ClusterUnreachable;
      return fail(
        res,
        unreachable ? 503 : 502,
        unreachable ? 'ServiceUnavailable' : 'InternalError',
        (err as Error).message,
      );
    }
    res.writeHead(response.status, response.headers);
    res.flushHeaders();
    try {
      for await (const chunk of response.body) {
        if (!res.write(chunk)) await drained(res);
        if (res.destroyed) return;
      }
      res.end();
    } catch (err) {
      // Headers are out: the only way left to say "incomplete" is to abort the response.
      res.destroy(err as Error);
    }
  }
}

/**
 * Splits `<prefix>/<cluster>/<name>/<path>`; undefined when the URL does not have that shape, null when the
 * SyncTarget part does not decode.
 */
export function parseSyncerPath(
  url: string,
  prefix: string,
): { target: { cluster: string; name: string }; path: string } | undefined | null {
  if (!url.startsWith(`${prefix}/`)) return undefined;
  const match = /^([^/?]+)\/([^/?]+)(\/[^?]*)(\?.*)?$/.exec(url.slice(prefix.length + 1));
  if (match === null) return undefined;
  try {
    const target = { cluster: decodeURIComponent(match[1] ?? ''), name: decodeURIComponent(match[2] ?? '') };
    return { target, path: `${match[3]}${match[4] ?? ''}` };
  } catch {
    return null;
  }
}

function fail(res: ServerResponse, code: number, reason: string, message: string): void {
  if (res.headersSent) {
    res.destroy(new Error(message));
    return;
  }
  const body = statusBody(code, reason, message);
  res.writeHead(code, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

function drained(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}

async function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of req) {
    total += (chunk as Buffer).byteLength;
    if (total > maxBytes) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}
